/*
 * A minimal UDP reflector, the floor that the wire benchmark compares an SFU
 * against: it receives datagrams on 127.0.0.1:PORT and sends each one
 * unchanged to every 127.0.0.1:SINK_PORT, in batches with recvmmsg and
 * sendmmsg. It does nothing an SFU does per packet (no parsing, no header
 * rewriting, no RTCP), so its CPU per packet is the kernel's UDP cost.
 *
 * Usage: reflector MAX_SECONDS PORT SINK_PORT...
 * Prints "listening on PORT" once bound, and "received N sent M" when it
 * stops: on SIGTERM, SIGINT, or after MAX_SECONDS.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64
#define MAX_SINKS 256
#define MAX_DATAGRAM 2048

static volatile sig_atomic_t stopping = 0;

static void on_signal(int signal_number) {
  (void)signal_number;
  stopping = 1;
}

static int parse_port(const char *text) {
  char *end = NULL;
  long port = strtol(text, &end, 10);
  if (end == text || *end != '\0' || port < 1 || port > 65535) {
    fprintf(stderr, "invalid port \"%s\": use 1 to 65535\n", text);
    exit(2);
  }
  return (int)port;
}

static struct sockaddr_in loopback(int port) {
  struct sockaddr_in address;
  memset(&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_port = htons((unsigned short)port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

int main(int argc, char **argv) {
  if (argc < 4 || argc - 3 > MAX_SINKS) {
    fprintf(stderr, "usage: reflector MAX_SECONDS PORT SINK_PORT... (1 to %d sink ports)\n", MAX_SINKS);
    return 2;
  }
  int max_seconds = atoi(argv[1]);
  if (max_seconds < 1) {
    fprintf(stderr, "invalid MAX_SECONDS \"%s\": use a whole number of 1 or more\n", argv[1]);
    return 2;
  }
  int sink_count = argc - 3;
  static struct sockaddr_in sinks[MAX_SINKS];
  for (int i = 0; i < sink_count; i++) sinks[i] = loopback(parse_port(argv[3 + i]));

  // No SA_RESTART, so a signal interrupts the blocking recvmmsg with EINTR.
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGINT, &action, NULL);
  sigaction(SIGALRM, &action, NULL);
  alarm((unsigned)max_seconds);

  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) {
    perror("could not create the reflector socket");
    return 1;
  }
  int buffer_bytes = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof buffer_bytes);
  struct sockaddr_in local = loopback(parse_port(argv[2]));
  if (bind(fd, (struct sockaddr *)&local, sizeof local) != 0) {
    perror("could not bind the reflector socket");
    return 1;
  }
  printf("listening on %s\n", argv[2]);
  fflush(stdout);

  static char buffers[BATCH][MAX_DATAGRAM];
  static struct iovec receive_vectors[BATCH];
  static struct mmsghdr received[BATCH];
  static struct mmsghdr outgoing[BATCH * MAX_SINKS];
  static struct iovec send_vectors[BATCH];
  unsigned long long received_count = 0, sent_count = 0;

  while (!stopping) {
    for (int i = 0; i < BATCH; i++) {
      receive_vectors[i].iov_base = buffers[i];
      receive_vectors[i].iov_len = MAX_DATAGRAM;
      memset(&received[i].msg_hdr, 0, sizeof received[i].msg_hdr);
      received[i].msg_hdr.msg_iov = &receive_vectors[i];
      received[i].msg_hdr.msg_iovlen = 1;
    }
    int count = recvmmsg(fd, received, BATCH, MSG_WAITFORONE, NULL);
    if (count < 0) {
      if (errno == EINTR) continue;
      perror("recvmmsg failed");
      return 1;
    }
    received_count += (unsigned long long)count;

    // One outgoing message per (datagram, sink), all pointing at the received bytes.
    int total = 0;
    for (int i = 0; i < count; i++) {
      send_vectors[i].iov_base = buffers[i];
      send_vectors[i].iov_len = received[i].msg_len;
      for (int s = 0; s < sink_count; s++) {
        struct msghdr *header = &outgoing[total].msg_hdr;
        memset(header, 0, sizeof *header);
        header->msg_name = &sinks[s];
        header->msg_namelen = sizeof sinks[s];
        header->msg_iov = &send_vectors[i];
        header->msg_iovlen = 1;
        total++;
      }
    }
    for (int offset = 0; offset < total;) {
      int sent = sendmmsg(fd, outgoing + offset, (unsigned)(total - offset), 0);
      if (sent < 0) {
        if (errno == EINTR) continue;
        // A send error drops the rest of the batch; the sinks count it as loss.
        break;
      }
      offset += sent;
      sent_count += (unsigned long long)sent;
    }
  }

  printf("received %llu sent %llu\n", received_count, sent_count);
  close(fd);
  return 0;
}
