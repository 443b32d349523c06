export { RpcClient, type RpcClientOptions } from './client';
export { RpcServer, type RpcServerOptions, type RpcContext } from './server';
export { RpcError, RpcErrorCode } from './errors';
export { channels, type RpcRequest, type RpcReply } from './envelope';
