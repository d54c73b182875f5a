// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe — a static program the tests copy into contexts to look at them from inside.
 *
 *   probe hog               allocate and touch memory 1 MiB at a time until killed
 *   probe forks N           try to start N processes; print how many started, then reap them
 *   probe spin              burn CPU until killed
 *   probe udp-send [--freebind] SRC DST PORT COUNT
 *                           send COUNT datagrams from SRC (an address of either family)
 *   probe udp-count PORT    say "ready", then count datagrams per source address until one
 *                           says "END"; print "SRC N" lines
 *   probe udp-end DST PORT  send the "END" datagram
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int hog(void)
{
	size_t mb = 0;

	for (;;) {
		char *p = malloc(1 << 20);

		if (!p) {
			printf("malloc failed after %zu MiB\n", mb);
			return 1;
		}
		memset(p, 0x5a, 1 << 20);
		mb++;
		if (mb % 16 == 0) {
			printf("%zu MiB\n", mb);
			fflush(stdout);
		}
	}
}

static int forks(int n)
{
	int started = 0, first_errno = 0, i, p[2];
	pid_t *kids = calloc(n, sizeof(pid_t));

	if (!kids || pipe(p) < 0)
		return 1;
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			char c;

			close(p[1]);
			/* Wait until the parent closes the pipe. */
			_exit(read(p[0], &c, 1) < 0);
		}
		if (pid < 0) {
			if (!first_errno)
				first_errno = errno;
			continue;
		}
		kids[started++] = pid;
	}
	close(p[1]);
	for (i = 0; i < started; i++)
		waitpid(kids[i], NULL, 0);
	printf("started %d of %d%s%s\n", started, n, first_errno ? ": " : "",
	       first_errno ? strerror(first_errno) : "");
	return 0;
}

static int __attribute__((noreturn)) spin(void)
{
	volatile unsigned long x = 0;

	for (;;)
		x++;
}

/* Fill a sockaddr for host and port; returns its length, 0 when host is not an address. */
static socklen_t sockaddr_of(const char *host, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		return sizeof(*in);
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return sizeof(*in6);
	}
	return 0;
}

static int udp_send(int argc, char **argv)
{
	struct sockaddr_storage src, dst;
	socklen_t sl, dl;
	int freebind = 0, fd, i, one = 1, sent = 0;

	if (argc > 0 && strcmp(argv[0], "--freebind") == 0) {
		freebind = 1;
		argc--;
		argv++;
	}
	if (argc != 4 || !(sl = sockaddr_of(argv[0], 0, &src)) ||
	    !(dl = sockaddr_of(argv[1], atoi(argv[2]), &dst)))
		return 2;
	fd = socket(src.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return 1;
	if (freebind)
		setsockopt(fd, src.ss_family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
			   src.ss_family == AF_INET ? IP_FREEBIND : IPV6_FREEBIND, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&src, sl) < 0) {
		printf("bind %s: %s\n", argv[0], strerror(errno));
		return 3;
	}
	for (i = 0; i < atoi(argv[3]); i++)
		if (sendto(fd, "data", 4, 0, (struct sockaddr *)&dst, dl) == 4)
			sent++;
	printf("sent %d\n", sent);
	return 0;
}

static int udp_count(const char *port)
{
	struct sockaddr_in6 any = { .sin6_family = AF_INET6, .sin6_port = htons(atoi(port)) };
	char srcs[64][INET6_ADDRSTRLEN];
	int counts[64] = { 0 }, n = 0, fd = socket(AF_INET6, SOCK_DGRAM, 0), zero = 0, i;

	/* One dual-stack socket: IPv4 senders show up as ::ffff:a.b.c.d. */
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (fd < 0 || bind(fd, (struct sockaddr *)&any, sizeof(any)) < 0) {
		printf("bind: %s\n", strerror(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		struct sockaddr_in6 from;
		socklen_t fl = sizeof(from);
		char buf[16], addr[INET6_ADDRSTRLEN];
		ssize_t r = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &fl);

		if (r < 0)
			return 1;
		buf[r] = '\0';
		if (strcmp(buf, "END") == 0)
			break;
		inet_ntop(AF_INET6, &from.sin6_addr, addr, sizeof(addr));
		for (i = 0; i < n && strcmp(srcs[i], addr) != 0; i++)
			;
		if (i == n && n < 64)
			strcpy(srcs[n++], addr);
		if (i < 64)
			counts[i]++;
	}
	for (i = 0; i < n; i++)
		printf("%s %d\n", srcs[i], counts[i]);
	return 0;
}

static int udp_end(const char *dst, const char *port)
{
	struct sockaddr_storage d;
	socklen_t dl = sockaddr_of(dst, atoi(port), &d);
	int fd = dl ? socket(d.ss_family, SOCK_DGRAM, 0) : -1;

	if (fd < 0 || sendto(fd, "END", 3, 0, (struct sockaddr *)&d, dl) != 3)
		return 1;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "udp-send") == 0)
		return udp_send(argc - 2, argv + 2);
	if (argc == 3 && strcmp(argv[1], "udp-count") == 0)
		return udp_count(argv[2]);
	if (argc == 4 && strcmp(argv[1], "udp-end") == 0)
		return udp_end(argv[2], argv[3]);
	if (argc == 2 && strcmp(argv[1], "hog") == 0)
		return hog();
	if (argc == 3 && strcmp(argv[1], "forks") == 0)
		return forks(atoi(argv[2]));
	if (argc == 2 && strcmp(argv[1], "spin") == 0)
		return spin();
	fprintf(stderr, "usage: probe hog | forks N | spin | udp-send [--freebind] SRC DST PORT N |"
			" udp-count PORT | udp-end DST PORT\n");
	return 2;
}
