// rtp-sink: the receiving "browsers" of bench/sfu-rooms, in C because Node
// cannot receive 200,000 packets/s on the one spare core.
//
// Binds N UDP sockets on 127.0.0.1, prints "ports p1 … pN", then every
// millisecond drains them with recvmmsg(MSG_DONTWAIT). It sleeps in poll() on
// stdin, never on the sockets: a receiver blocked on a socket would be woken by
// each packet, and the kernel charges that wake-up to the sender — the
// mediasoup worker being measured. (A browser behind a NIC costs the worker no
// such wake-up.)
//
// Counts RTP per (SSRC, source port) and loss from sequence-number gaps.
// stdin "mark" → one line "mark <ns> <received> <expected> <rtcp> <active>
// <streams> <cpu_us>" with totals since the previous mark, preceded by up to
// 32 "sample <srcport> <roc> <hex>" lines (sampled raw packets the caller can
// check against SRTP keys). stdin "quit" or EOF ends it.
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SOCKETS 256
#define BATCH 64
#define PKT_MAX 2048
#define TABLE_SIZE 65536 /* power of two, > 4 × streams */
#define SAMPLE_EVERY 4096
#define MAX_SAMPLES 32
#define RCVBUF_BYTES (4 * 1024 * 1024)

typedef struct {
  uint64_t key; /* ssrc << 16 | source port; 0 = empty */
  uint32_t cycles;
  uint16_t max_seq;
  int64_t first_ext;
  uint64_t received;
  uint64_t mark_received;
  int64_t mark_max_ext; /* -1 until the first mark */
} stream_t;

typedef struct {
  uint16_t port;
  uint32_t roc;
  int len;
  uint8_t data[PKT_MAX];
} sample_t;

static stream_t table[TABLE_SIZE];
static uint64_t n_streams, rtcp_packets, rtp_packets;
static sample_t samples[MAX_SAMPLES];
static int n_samples;

static stream_t *lookup(uint64_t key) {
  uint64_t h = (key * 0x9E3779B97F4A7C15ull) >> 48; /* 16 bits */
  for (;;) {
    stream_t *s = &table[h & (TABLE_SIZE - 1)];
    if (s->key == key) return s;
    if (s->key == 0) {
      if (n_streams >= TABLE_SIZE / 2) return NULL;
      s->key = key;
      s->mark_max_ext = -1;
      s->received = 0;
      n_streams++;
      return s;
    }
    h++;
  }
}

static void on_packet(const uint8_t *p, int len, uint16_t srcport) {
  if (len < 12) return;
  if (p[1] >= 192 && p[1] <= 223) { /* RTCP, RFC 5761 demultiplexing */
    rtcp_packets++;
    return;
  }
  uint32_t ssrc = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];
  uint16_t seq = (uint16_t)(p[2] << 8 | p[3]);
  stream_t *s = lookup((uint64_t)ssrc << 16 | srcport);
  if (!s) return;
  if (s->received == 0) {
    s->max_seq = seq;
    s->cycles = 0;
    s->first_ext = seq;
  } else {
    uint16_t delta = (uint16_t)(seq - s->max_seq);
    if (delta != 0 && delta < 0x8000) {
      if (seq < s->max_seq) s->cycles += 0x10000;
      s->max_seq = seq;
    }
  }
  s->received++;
  if (++rtp_packets % SAMPLE_EVERY == 1 && n_samples < MAX_SAMPLES && len <= PKT_MAX) {
    sample_t *x = &samples[n_samples++];
    x->port = srcport;
    x->roc = s->cycles >> 16;
    x->len = len;
    memcpy(x->data, p, len);
  }
}

static void mark(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  uint64_t received = 0, active = 0;
  int64_t expected = 0;
  for (size_t i = 0; i < TABLE_SIZE; i++) {
    stream_t *s = &table[i];
    if (!s->key || !s->received) continue;
    int64_t max_ext = (int64_t)s->cycles + s->max_seq;
    uint64_t got = s->received - s->mark_received;
    received += got;
    if (got) active++;
    expected += s->mark_max_ext < 0 ? max_ext - s->first_ext + 1 : max_ext - s->mark_max_ext;
    s->mark_received = s->received;
    s->mark_max_ext = max_ext;
  }
  for (int i = 0; i < n_samples; i++) {
    printf("sample %u %u ", samples[i].port, samples[i].roc);
    for (int j = 0; j < samples[i].len; j++) printf("%02x", samples[i].data[j]);
    putchar('\n');
  }
  n_samples = 0;
  uint64_t cpu_us = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
  printf("mark %llu %llu %lld %llu %llu %llu %llu\n", (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec,
         (unsigned long long)received, (long long)expected, (unsigned long long)rtcp_packets, (unsigned long long)active,
         (unsigned long long)n_streams, (unsigned long long)cpu_us);
  fflush(stdout);
  rtcp_packets = 0;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1;
  if (n < 1 || n > MAX_SOCKETS) {
    fprintf(stderr, "usage: rtp-sink <sockets 1..%d>\n", MAX_SOCKETS);
    return 2;
  }
  int fds[MAX_SOCKETS];
  printf("ports");
  for (int i = 0; i < n; i++) {
    fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
    int size = RCVBUF_BYTES;
    if (setsockopt(fds[i], SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
      setsockopt(fds[i], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof addr;
    if (bind(fds[i], (struct sockaddr *)&addr, sizeof addr) != 0 || getsockname(fds[i], (struct sockaddr *)&addr, &alen) != 0) {
      perror("rtp-sink: bind");
      return 1;
    }
    printf(" %u", ntohs(addr.sin_port));
  }
  printf("\n");
  fflush(stdout);

  static uint8_t bufs[BATCH][PKT_MAX];
  static struct sockaddr_in from[BATCH];
  static struct iovec iov[BATCH];
  static struct mmsghdr msgs[BATCH];
  char line[256];
  size_t line_len = 0;
  struct pollfd in = {.fd = STDIN_FILENO, .events = POLLIN};
  for (;;) {
    if (poll(&in, 1, 1) > 0) {
      ssize_t r = read(STDIN_FILENO, line + line_len, sizeof line - 1 - line_len);
      if (r <= 0) return 0;
      line_len += r;
      char *nl;
      while ((nl = memchr(line, '\n', line_len))) {
        *nl = 0;
        if (!strcmp(line, "mark")) mark();
        else if (!strcmp(line, "quit")) return 0;
        line_len -= nl + 1 - line;
        memmove(line, nl + 1, line_len);
      }
      if (line_len == sizeof line - 1) line_len = 0;
    }
    for (int i = 0; i < n; i++) {
      for (;;) {
        for (int k = 0; k < BATCH; k++) {
          iov[k].iov_base = bufs[k];
          iov[k].iov_len = PKT_MAX;
          msgs[k].msg_hdr = (struct msghdr){.msg_name = &from[k], .msg_namelen = sizeof from[k], .msg_iov = &iov[k], .msg_iovlen = 1};
        }
        int got = recvmmsg(fds[i], msgs, BATCH, MSG_DONTWAIT, NULL);
        if (got <= 0) break;
        for (int k = 0; k < got; k++) on_packet(bufs[k], (int)msgs[k].msg_len, ntohs(from[k].sin_port));
        if (got < BATCH) break;
      }
    }
  }
}
