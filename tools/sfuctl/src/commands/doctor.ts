import { writeJson, type Command } from '../command';
import { checkMediaConfig, checkNodes, checkSignaling } from '../doctor/cluster-checks';
import { fail, type CheckResult } from '../doctor/check';
import { checkEphemeralOverlap } from '../doctor/ephemeral-ports';
import { checkIceServers, checkRtcPorts, checkSfuConfig, checkWorkerBinary } from '../doctor/local-checks';
import { ExitCode } from '../errors';
import { checkTurnCredentials } from '../doctor/turn-check';
import { formatChecks } from '../format/doctor';

export const doctorCommand: Command = {
  name: 'doctor',
  arguments: [],
  synopsis: '',
  summary:
    "check this host's SFU settings (worker binary, announced IP, port range, STUN and TURN) and the cluster (signaling, Redis, nodes, media-config, clocks); exits 1 when a check fails",
  options: {},
  async run(context) {
    const results: CheckResult[] = [];

    // This host, read from the environment an SFU node here would get.
    const { config, results: configResults } = checkSfuConfig(process.env);
    results.push(...configResults, ...checkIceServers(process.env), ...checkTurnCredentials(process.env), await checkWorkerBinary(process.env));
    if (config) results.push(...(await checkRtcPorts(config)), checkEphemeralOverlap(config));

    // The cluster, through the signaling node at --url.
    const client = await context.client();
    results.push(...(await checkSignaling(client.baseUrl)));
    results.push(...(await checkNodes(client).catch((error: Error) => [fail('nodes', error.message)])));
    results.push(await checkMediaConfig(client.baseUrl));

    if (context.json) writeJson(context, { checks: results });
    else context.stdout.write(formatChecks(results, context.palette));
    return results.some((result) => result.status === 'fail') ? ExitCode.RequestFailed : ExitCode.Ok;
  },
};
