// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe — a static program the tests copy into contexts to look at them from inside.
 *
 *   probe hog               allocate and touch memory 1 MiB at a time until killed
 *   probe forks N           try to start N processes; print how many started, then reap them
 *   probe spin              burn CPU until killed
 *   probe udp-send [--freebind] SRC DST PORT COUNT
 *                           send COUNT datagrams from SRC (an address of either family;
 *                           fe80::1%eth0 for a link-local one)
 *   probe raw6-send IFACE MAC SRC DST PORT COUNT
 *                           send COUNT IPv6 UDP datagrams from SRC to DST as frames built
 *                           here, to the MAC on IFACE (AF_PACKET): no route, neighbour
 *                           entry or source address of the sender's is needed
 *   probe udp-count PORT    say "ready", then count datagrams per source address until one
 *                           says "END"; print "SRC N" lines
 *   probe udp-end DST PORT  send the "END" datagram
 *   probe escape            try the known ways out of a context; one line per route:
 *                           "ROUTE: blocked (ERRNO)", "ROUTE: OPEN", or for the controls
 *                           (which must work for the others to mean anything) "ROUTE: ok"
 *   probe waitfor FILE TEXT SECONDS
 *                           wait (inotify, no polling) until FILE contains TEXT, in a line
 *                           or not; a TEXT with '*' is a glob matched line by line (the
 *                           unterminated last line too); exit 0, or 1 after SECONDS
 *   probe fangate DIR CMD   hold the first open of directory DIR (fanotify permission
 *                           event), run CMD (sh -c) meanwhile, then let the open go on; says
 *                           "ready" once DIR is watched, "unsupported" if the kernel cannot
 *   probe outage ADDR PORT MS
 *                           every MS milliseconds an ICMP echo to IPv4 ADDR and a TCP
 *                           connect to PORT; says "ready"; when stdin has ended and a
 *                           connect has succeeded again (at most 10 s), prints "pings N
 *                           lost L tcp-gap G": L unanswered echoes, G the longest time in
 *                           ms between two connects that succeeded ("tcp-not-back" if none
 *                           did after the end)
 *   probe waitpath DIR PREFIX SECONDS
 *                           wait (inotify) until DIR has an entry whose name starts with
 *                           PREFIX; exit 0, or 1 after SECONDS
 *   probe waitshrink FILE KB SECONDS
 *                           wait (inotify: a hole punched by fallocate is a modification)
 *                           until FILE takes less than KB KiB on disk; exit 0, or 1 after
 *                           SECONDS
 *   probe unix-listen PATH OUT
 *                           bind a datagram socket at PATH (a stand-in for the host's
 *                           /dev/log) and append every message to OUT as a line
 *   probe syslog-flood N TAG
 *                           send N messages to /dev/log as fast as it takes them
 *   probe tun NAME          make a tun device through /dev/net/tun; "created NAME" if the
 *                           kernel then knows the interface, else the error
 *   probe waitmount DIR SECONDS
 *                           wait (poll on /proc/self/mountinfo, which wakes at every change of
 *                           the mount table) until DIR is a mount point; exit 0, or 1
 *   probe wait-dad IF SECONDS
 *                           wait (rtnetlink events) until no address of IF is tentative
 *                           (duplicate address detection done); exit 0, or 1 after SECONDS
 *   probe setmac IF MAC     give the interface IF another MAC address (ioctl on an inet socket;
 *                           busybox's ip needs a packet socket, which the policy refuses)
 *   probe exe-trap          CVE-2019-5736: set a trap for the runtime's binary (see below),
 *                           say "ready", and once it runs inside try to overwrite it
 *   probe old-ctl PATH      stand in for a supervisor of an older vctx at its control socket
 *                           PATH: say "ready", then answer every request the way version 1
 *                           did one it did not know ("error" and a newline)
 *   probe ptrace-race COMM STOPFILE
 *                           what a tenant's root can do to a host process that comes into its
 *                           namespaces: say "ready", then try PTRACE_SEIZE without pause on the
 *                           newest pids of the context; at each attach, stop the process and
 *                           look: one named COMM prints "HOST COMM uid U fsuid F" and is
 *                           killed (exit 0); others are let go.  "none" (exit 1) once
 *                           STOPFILE exists, or after 30 s
 *   probe gate SYSCALL USEC COMMAND [ARG ...]
 *                           run on the host: run COMMAND with each SYSCALL (a name refuse
 *                           takes, or setresgid or sethostname) of it and of its children held USEC microseconds
 *                           before it goes on (a seccomp user notification): a moment that
 *                           lasts microseconds made long enough to look at, or a step that
 *                           hangs
 *   probe bpf-query CGDIR   run on the host: the ids of the device programs attached to the
 *                           cgroup2 directory CGDIR, one per line
 *   probe refuse SYSCALL COMMAND [ARG ...]
 *                           run on the host: run COMMAND with SYSCALL (fsconfig,
 *                           mount_setattr, setns-net: a setns into a network namespace
 *                           alone, or seccomp-listener: a filter loaded with a listener)
 *                           failing with EINVAL for it and everything it starts, as
 *                           on a kernel that lacks what it would configure, or a step that
 *                           fails
 *   probe idmap-plant PID DIR NAME
 *                           run on the host: what a writable bind idmapped through the user
 *                           namespace of PID would let its root do (the control of the bind
 *                           test): as that namespace's root, through an idmapped clone of DIR,
 *                           make DIR/NAME setuid and setgid; "planted" or the error
 */
#include <arpa/inet.h>
#include <linux/io_uring.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/seccomp.h>
#include <linux/if_packet.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <linux/filter.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <errno.h>
#include <fnmatch.h>
#include <poll.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/fanotify.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <time.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
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
	{
		/* "fe80::1%eth0": a link-local address with its interface. */
		char a[INET6_ADDRSTRLEN + IFNAMSIZ + 2];
		char *pct;

		snprintf(a, sizeof(a), "%s", host);
		pct = strchr(a, '%');
		if (pct)
			*pct++ = 0;
		if (inet_pton(AF_INET6, a, &in6->sin6_addr) == 1) {
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons(port);
			in6->sin6_scope_id = pct ? if_nametoindex(pct) : 0;
			return sizeof(*in6);
		}
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

/* Raw IPv6 + UDP to a MAC: what a context's root can put on its link whatever its routes. */
static int raw6_send(int argc, char **argv)
{
	struct {		/* 40 + 8 + 4 bytes, no padding */
		struct ip6_hdr ip;
		struct udphdr udp;
		char data[4];
	} pkt = { .data = "data" };
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IPV6),
				  .sll_halen = 6 };
	const unsigned char *c;
	uint32_t sum = 0;
	int fd, i, sent = 0;
	unsigned k;

	if (argc != 6 || !(to.sll_ifindex = if_nametoindex(argv[0])) ||
	    sscanf(argv[1], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &to.sll_addr[0], &to.sll_addr[1],
		   &to.sll_addr[2], &to.sll_addr[3], &to.sll_addr[4], &to.sll_addr[5]) != 6 ||
	    inet_pton(AF_INET6, argv[2], &pkt.ip.ip6_src) != 1 ||
	    inet_pton(AF_INET6, argv[3], &pkt.ip.ip6_dst) != 1)
		return 2;
	pkt.ip.ip6_flow = htonl(6u << 28);
	pkt.ip.ip6_plen = htons(sizeof(pkt.udp) + sizeof(pkt.data));
	pkt.ip.ip6_nxt = IPPROTO_UDP;
	pkt.ip.ip6_hlim = 64;
	pkt.udp.uh_sport = htons(40000);
	pkt.udp.uh_dport = htons(atoi(argv[4]));
	pkt.udp.uh_ulen = pkt.ip.ip6_plen;
	/* The checksum over the pseudo-header (addresses, length, next header) and the rest. */
	for (c = (const unsigned char *)&pkt.ip.ip6_src, k = 0; k < 32; k += 2)
		sum += c[k] << 8 | c[k + 1];
	sum += sizeof(pkt.udp) + sizeof(pkt.data) + IPPROTO_UDP;
	for (c = (const unsigned char *)&pkt.udp, k = 0; k < sizeof(pkt.udp) + sizeof(pkt.data);
	     k += 2)
		sum += c[k] << 8 | c[k + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	pkt.udp.uh_sum = htons(~sum & 0xffff);
	fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IPV6));
	if (fd < 0) {
		printf("socket: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < atoi(argv[5]); i++)
		if (sendto(fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)) ==
		    (ssize_t)sizeof(pkt))
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

/* Report one attempt: r < 0 with errno is "blocked", anything else is "OPEN". */
static void report(const char *route, long r)
{
	if (r < 0)
		printf("%s: blocked (%s)\n", route, strerrorname_np(errno));
	else
		printf("%s: OPEN\n", route);
}

static void control(const char *route, long r)
{
	if (r < 0)
		printf("%s: FAILED (%s)\n", route, strerrorname_np(errno));
	else
		printf("%s: ok\n", route);
}

static long write_to(const char *path)
{
	int fd = open(path, O_WRONLY);
	long r;

	if (fd < 0)
		return -1;
	r = write(fd, "1", 1);
	close(fd);
	return r;
}

/* In a nested user, mount and pid namespace: can a fresh procfs be mounted there? */
static long nested_proc(void)
{
	int st;
	pid_t pid;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		mkdir("/tmp/nested-proc", 0700);
		if (mount("proc", "/tmp/nested-proc", "proc", 0, NULL) == 0)
			_exit(0);
		_exit(errno);
	}
	waitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st)) {
		errno = WEXITSTATUS(st);
		return -1;
	}
	return 0;
}

static int escape(void)
{
	struct timeval tv = { 0 };
	struct timespec ts = { 0 };
	char handle[128] = { 0 };
	const char *masks[] = { "/proc/kcore", "/proc/timer_list", "/proc/keys", "/proc/kmsg" };
	unsigned i;

	/* Controls: if these fail, the "blocked" lines below mean nothing. */
	mkdir("/tmp/probe-t", 0700);
	control("control-mount-tmpfs", mount("tmpfs", "/tmp/probe-t", "tmpfs", 0, NULL));
	umount("/tmp/probe-t");
	/* A read-only mount of the context's own is made writable the way the masks are not. */
	mount("tmpfs", "/tmp/probe-t", "tmpfs", MS_RDONLY, NULL);
	control("control-remount-rw", mount(NULL, "/tmp/probe-t", NULL,
					    MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV | MS_NOEXEC,
					    NULL));
	umount("/tmp/probe-t");
	control("control-getpid", syscall(SYS_getpid));

	report("init_module", syscall(SYS_init_module, NULL, 0, ""));
	report("finit_module", syscall(SYS_finit_module, -1, "", 0));
	report("delete_module", syscall(SYS_delete_module, "ext4", 0));
	report("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
	report("open_by_handle_at", syscall(SYS_open_by_handle_at, AT_FDCWD, handle, O_RDONLY));
	report("settimeofday", settimeofday(&tv, NULL));
	report("clock_settime", clock_settime(CLOCK_REALTIME, &ts));
	report("swapon", syscall(SYS_swapon, "/tmp/swap", 0));
	report("iopl", syscall(SYS_iopl, 3));
	report("bpf", syscall(SYS_bpf, 0, NULL, 0));
	report("perf_event_open", syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
	report("personality-page-zero", personality(0x0100000) == -1 ? -1 : 0);
	control("control-personality-query", personality(0xffffffff) == -1 ? -1 : 0);
	control("control-personality-linux32", personality(PER_LINUX32) == -1 ? -1 : 0);
	personality(PER_LINUX);
	report("raw-socket", socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	report("packet-socket", socket(AF_PACKET, SOCK_RAW, 0));
	report("mknod-block-device", mknod("/tmp/probe-vda", S_IFBLK | 0600, makedev(254, 0)));
	mkdir("/tmp/probe-p", 0700);
	report("mount-fresh-proc", mount("proc", "/tmp/probe-p", "proc", 0, NULL));
	report("mount-fresh-sysfs", mount("sysfs", "/tmp/probe-p", "sysfs", 0, NULL));
	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		if (access(masks[i], F_OK) == 0) {
			report("umount-proc-mask", umount2(masks[i], MNT_DETACH));
			break;
		}
	}
	/* Every mask but the first is a clone of it (one tmpfs for all): as locked. */
	report("umount-sys-mask", umount2("/sys/kernel/security", MNT_DETACH));
	report("remount-mask-rw", mount(NULL, "/sys/kernel/security", NULL,
					 MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL));
	report("remount-mask-fs-rw", mount(NULL, "/sys/kernel/security", NULL, MS_REMOUNT, NULL));
	report("umount-proc-sys", umount2("/proc/sys", MNT_DETACH));
	report("write-proc-sys", write_to("/proc/sys/vm/drop_caches"));
	report("write-sysfs", write_to("/sys/kernel/mm/transparent_hugepage/enabled"));
	mkdir("/tmp/probe-cg", 0700);
	if (mount("cgroup", "/tmp/probe-cg", "cgroup", 0, "memory") == 0) {
		report("cgroup-release-agent", write_to("/tmp/probe-cg/release_agent"));
		umount("/tmp/probe-cg");
	} else {
		report("cgroup-release-agent", -1);
	}
	report("nested-userns-fresh-proc", nested_proc());
	{
		struct io_uring_params params = { 0 };
		long fd = syscall(SYS_io_uring_setup, 1, &params);

		report("io_uring_setup", fd);
		if (fd >= 0)
			close(fd);
		fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
		report("vsock-socket", fd);
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

/*
 * The trap: /tmp/evil is "#!/proc/self/exe --prefix /tmp/trap stop --wait x".  When the
 * runtime execs it (vctx exec NAME -- /tmp/evil), the kernel runs /proc/self/exe of the
 * runtime's own process, the host's vctx binary, inside the context.  That vctx waits for
 * the lock /tmp/trap/run/vctx/x.lock, which the trap holds: the host binary stays in a
 * process of the context while the trap tries to write it, first through /proc/PID/exe
 * and then, after the process has gone, through an O_PATH fd kept from it.
 */
static int find_trapped(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int pid = -1;

	while (d && (de = readdir(d)) && pid < 0) {
		char path[300], cmd[512];
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, cmd, sizeof(cmd) - 1);
		close(fd);
		for (ssize_t i = 0; i < n; i++)
			if (!cmd[i])
				cmd[i] = ' ';
		if (n > 0 && (cmd[n] = 0, strstr(cmd, "--prefix /tmp/trap")))
			pid = atoi(de->d_name);
	}
	if (d)
		closedir(d);
	return pid;
}

static int exe_trap(void)
{
	const char *conf = "[context]\ntemplate = x\nid-base = 1048576\n";
	char path[64], fdpath[64];
	int lock, in, fd, pid;
	struct inotify_event ev[4];

	mkdir("/tmp/trap", 0755);
	mkdir("/tmp/trap/etc", 0755);
	mkdir("/tmp/trap/etc/vctx", 0755);
	mkdir("/tmp/trap/run", 0755);
	mkdir("/tmp/trap/run/vctx", 0755);
	fd = open("/tmp/trap/etc/vctx/x.conf", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, conf, strlen(conf)) < 0)
		return 1;
	close(fd);
	fd = open("/tmp/evil", O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0 || dprintf(fd, "#!/proc/self/exe --prefix /tmp/trap stop --wait x\n") < 0)
		return 1;
	close(fd);
	lock = open("/tmp/trap/run/vctx/x.lock", O_RDWR | O_CREAT, 0600);
	in = inotify_init1(0);
	if (lock < 0 || in < 0 || flock(lock, LOCK_EX) < 0 ||
	    inotify_add_watch(in, "/tmp/trap/run/vctx/x.lock", IN_OPEN) < 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	/* The host binary opens the lock file: it is running inside now. */
	if (read(in, ev, sizeof(ev)) <= 0 || (pid = find_trapped()) < 0) {
		printf("runtime-seen: no\n");
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	printf("runtime-seen: yes\n");
	report("exe-write-while-running", open(path, O_WRONLY));
	fd = open(path, O_PATH);
	if (fd < 0) {
		printf("exe-opath: blocked (%s)\n", strerrorname_np(errno));
	} else {
		int st;

		/* Let it go and wait until it is gone: the binary is no longer busy. */
		flock(lock, LOCK_UN);
		while (kill(pid, 0) == 0)
			waitpid(-1, &st, WNOHANG) , sched_yield();
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
		report("exe-write-after-exit", open(fdpath, O_WRONLY));
	}
	return 0;
}

static int old_ctl(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), c;
	char buf[512];

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	while ((c = accept(fd, NULL, NULL)) >= 0) {
		if (read(c, buf, sizeof(buf)) > 0 && write(c, "error\n", 6) < 0)
			return 1;
		close(c);
	}
	return 1;
}

static int unix_listen(const char *path, const char *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0), o;
	char buf[8192];

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	o = open(out, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0 || o < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

		if (n < 0)
			return 1;
		buf[n++] = '\n';
		if (write(o, buf, n) < 0)
			return 1;
	}
}

static int syslog_flood(int n, const char *tag)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0), i, sent = 0;
	char msg[128];

	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return 1;
	for (i = 0; i < n; i++) {
		int len = snprintf(msg, sizeof(msg), "<13>%s: flood %d", tag, i);

		if (send(fd, msg, len, 0) == len)
			sent++;
	}
	printf("sent %d\n", sent);
	return 0;
}

static int contains(const char *file, const char *text)
{
	static char buf[1 << 20];
	int fd = open(file, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	if (!strchr(text, '*'))
		return memmem(buf, n, text, strlen(text)) != NULL;
	/* A glob: matched against each line, the unterminated last one too. */
	for (char *line = buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		if (fnmatch(text, line, 0) == 0)
			return 1;
	}
	return 0;
}

/* Watch path for mask; while it does not exist, watch the nearest ancestor that does for what
 * is made in it (the directory a file will appear in may be made later, as overlayfs copies
 * a directory up at the first write).  1: the path itself is watched, 0: an ancestor, -1. */
static int arm(int in, const char *path, uint32_t mask)
{
	char up[512], *slash;

	if (inotify_add_watch(in, path, mask) >= 0)
		return 1;
	if (errno != ENOENT)
		return -1;
	snprintf(up, sizeof(up), "%s", path);
	while ((slash = strrchr(up, '/')) && slash != up) {
		*slash = 0;
		if (inotify_add_watch(in, up, IN_CREATE | IN_MOVED_TO) >= 0)
			return 0;
		if (errno != ENOENT)
			return -1;
	}
	return -1;
}

/* Wait (inotify on path, for mask) until done(a, b) holds: 0, or 1 after seconds, 2 on error.
 * The condition is checked before every wait, and once more when time is up. */
static int inotify_until(const char *path, uint32_t mask, int seconds,
			 int (*done)(const char *a, const void *b), const char *a, const void *b)
{
	int in = inotify_init1(IN_CLOEXEC), armed = in < 0 ? -1 : arm(in, path, mask);
	time_t end = time(NULL) + seconds;

	if (armed < 0)
		return 2;
	for (;;) {
		struct pollfd p = { .fd = in, .events = POLLIN };
		char ev[4096];
		time_t left;

		if (done(a, b))
			return 0;
		left = end - time(NULL);
		if (left <= 0 || poll(&p, 1, left * 1000) <= 0)
			return done(a, b) ? 0 : 1;
		if (read(in, ev, sizeof(ev)) < 0)
			return 2;
		/* Something appeared on the way: watch from nearer (a new inotify instance
		 * drops the old watches). */
		if (!armed) {
			close(in);
			in = inotify_init1(IN_CLOEXEC);
			armed = in < 0 ? -1 : arm(in, path, mask);
			if (armed < 0)
				return 2;
		}
	}
}

static int file_contains(const char *file, const void *text)
{
	return contains(file, text);
}

static double outage_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static uint16_t outage_sum(const void *p, size_t n)
{
	const uint16_t *w = p;
	uint32_t s = 0;

	for (; n > 1; n -= 2)
		s += *w++;
	if (n)
		s += *(const uint8_t *)w;
	s = (s >> 16) + (s & 0xffff);
	s += s >> 16;
	return (uint16_t)~s;
}

/* Pings and connects until stdin ends (the test closes it) and then a connect has succeeded
 * (at most 10 s more): what an outage looks like from the LAN while a context moves. */
static int outage(const char *addr, int port, int ms)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	int icmp = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMP), tcp = -1;
	unsigned sent = 0, got = 0, nseq = 65536;
	unsigned char *answered = calloc(nseq, 1);
	double next = outage_now(), last_ok = -1, gap = 0, end = 0, drain = 0;
	uint16_t id = (uint16_t)getpid();

	if (icmp < 0 || inet_pton(AF_INET, addr, &to.sin_addr) != 1 || !answered) {
		perror("outage");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	/* end: when stdin ended; drain: 200 ms for the answers still on their way. */
	while (!drain || outage_now() < drain) {
		struct pollfd p[3] = { { .fd = end ? -1 : 0, .events = POLLIN },
				       { .fd = icmp, .events = POLLIN },
				       { .fd = tcp, .events = POLLOUT } };
		double now = outage_now();
		int wait = next > now ? (int)(next - now) + 1 : 0;

		if (end && !drain && now > end + 10000)
			drain = now + 200;
		if (now >= next && !drain) {
			unsigned char pkt[16] = { 8, 0 };
			struct sockaddr_in ping = to;

			ping.sin_port = 0;
			pkt[4] = id >> 8, pkt[5] = id & 0xff;
			pkt[6] = (sent & 0xffff) >> 8, pkt[7] = sent & 0xff;
			*(uint16_t *)(pkt + 2) = outage_sum(pkt, sizeof(pkt));
			if (sent < nseq)
				sendto(icmp, pkt, sizeof(pkt), 0, (struct sockaddr *)&ping, sizeof(ping));
			sent++;
			if (tcp >= 0)
				close(tcp);
			tcp = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
			if (connect(tcp, (struct sockaddr *)&to, sizeof(to)) < 0 && errno != EINPROGRESS) {
				close(tcp);
				tcp = -1;
			}
			next += ms;
			continue;
		}
		if (drain)
			wait = 20;
		if (poll(p, 3, wait) <= 0)
			continue;
		if (p[0].revents) {
			char b[64];

			if (read(0, b, sizeof(b)) <= 0)
				end = outage_now();
		}
		if (p[1].revents & POLLIN) {
			unsigned char b[256];
			ssize_t n;

			while ((n = recv(icmp, b, sizeof(b), 0)) > 0) {
				unsigned hl = (b[0] & 15) * 4;
				unsigned seq;

				if (n < (ssize_t)hl + 8 || b[hl] != 0 || b[hl + 4] != id >> 8 ||
				    b[hl + 5] != (id & 0xff))
					continue;
				seq = b[hl + 6] << 8 | b[hl + 7];
				if (seq < nseq && !answered[seq]) {
					answered[seq] = 1;
					got++;
				}
			}
		}
		if (tcp >= 0 && p[2].revents) {
			int e = 0;
			socklen_t el = sizeof(e);

			getsockopt(tcp, SOL_SOCKET, SO_ERROR, &e, &el);
			if (e == 0) {
				now = outage_now();
				if (last_ok >= 0 && now - last_ok > gap)
					gap = now - last_ok;
				last_ok = now;
				if (end && !drain)
					drain = now + 200;
			}
			close(tcp);
			tcp = -1;
		}
	}
	printf("pings %u lost %u tcp-gap %.0f%s\n", sent, sent - got, gap,
	       last_ok < 0 ? " tcp-never" : last_ok < end ? " tcp-not-back" : "");
	return 0;
}

static int waitfor(const char *file, const char *text, int seconds)
{
	char dir[512], *slash;

	snprintf(dir, sizeof(dir), "%s", file);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	/* Watch the directory: the file may not exist yet, or be replaced. */
	return inotify_until(slash ? dir : ".", IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE,
			     seconds, file_contains, file, text);
}

/* An entry of dir whose name starts with prefix exists. */
static int has_entry(const char *dir, const void *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int found = 0;

	while (d && !found && (de = readdir(d)))
		found = strncmp(de->d_name, prefix, strlen(prefix)) == 0;
	if (d)
		closedir(d);
	return found;
}

static int waitpath(const char *dir, const char *prefix, int seconds)
{
	return inotify_until(dir, IN_CREATE | IN_MOVED_TO, seconds, has_entry, dir, prefix);
}

/* file takes less than *kb KiB on disk. */
static int smaller(const char *file, const void *kb)
{
	struct stat st;

	return stat(file, &st) == 0 && (long)(st.st_blocks / 2) < *(const long *)kb;
}

static int waitshrink(const char *file, long kb, int seconds)
{
	/* A hole punched by fallocate is a modification. */
	return inotify_until(file, IN_MODIFY, seconds, smaller, file, &kb);
}

static int tun(const char *name)
{
	struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0) {
		printf("%s: %s\n", fd < 0 ? "open" : "TUNSETIFF", strerror(errno));
		return 1;
	}
	printf(if_nametoindex(ifr.ifr_name) ? "created %s\n" : "missing %s\n", ifr.ifr_name);
	close(fd);
	return 0;
}

static int setmac(const char *ifname, const char *mac)
{
	struct ifreq ifr = { 0 };
	unsigned char *m = (unsigned char *)ifr.ifr_hwaddr.sa_data;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	if (sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2], &m[3], &m[4],
		   &m[5]) != 6 || fd < 0 || ioctl(fd, SIOCSIFHWADDR, &ifr) < 0) {
		printf("setmac: %s\n", strerror(errno));
		return 1;
	}
	printf("mac %s\n", mac);
	return 0;
}

static int is_mounted(const char *dir)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mp[4096];
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 && strcmp(mp, dir) == 0;
	if (f)
		fclose(f);
	return found;
}

static int waitmount(const char *dir, int seconds)
{
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	time_t end = time(NULL) + seconds;

	if (fd < 0)
		return 2;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLPRI };
		char buf[65536];
		time_t left;

		/* Read it through: poll reports the next change after that. */
		lseek(fd, 0, SEEK_SET);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		if (is_mounted(dir))
			return 0;
		left = end - time(NULL);
		if (left <= 0 || poll(&p, 1, left * 1000) <= 0)
			return is_mounted(dir) ? 0 : 1;
	}
}

/* Is an address of ifindex still tentative?  A dump of the IPv6 addresses. */
static int dad_pending(int nl, unsigned ifindex)
{
	struct {
		struct nlmsghdr h;
		struct ifaddrmsg a;
	} req = { .h = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETADDR,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		  .a = { .ifa_family = AF_INET6 } };
	char buf[16384];
	int pending = 0;

	if (send(nl, &req, sizeof(req), 0) < 0)
		return -1;
	for (;;) {
		ssize_t n = recv(nl, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n <= 0)
			return -1;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			struct ifaddrmsg *a = NLMSG_DATA(h);

			if (h->nlmsg_type == NLMSG_DONE)
				return pending;
			if (h->nlmsg_type == RTM_NEWADDR && a->ifa_index == ifindex &&
			    (a->ifa_flags & IFA_F_TENTATIVE))
				pending = 1;
		}
	}
}

static int wait_dad(const char *ifname, int seconds)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_IPV6_IFADDR };
	unsigned ifindex = if_nametoindex(ifname);
	int ev = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int q = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	time_t end = time(NULL) + seconds;

	/* Subscribed before the first look: no change falls between the two. */
	if (!ifindex || ev < 0 || q < 0 || bind(ev, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return 2;
	for (;;) {
		struct pollfd p = { .fd = ev, .events = POLLIN };
		char buf[8192];
		int r = dad_pending(q, ifindex);
		time_t left = end - time(NULL);

		if (r <= 0)
			return r < 0 ? 2 : 0;
		if (left <= 0 || poll(&p, 1, left * 1000) <= 0)
			return 1;
		if (recv(ev, buf, sizeof(buf), 0) < 0)
			return 2;
	}
}

static int idmap_plant(const char *pid, const char *dir, const char *name)
{
	struct {
		uint64_t attr_set, attr_clr, propagation, userns_fd;
	} attr = { .attr_set = 0x00100000 /* MOUNT_ATTR_IDMAP */ };
	char path[64];
	int userns, tree, fd;

	snprintf(path, sizeof(path), "/proc/%s/ns/user", pid);
	userns = open(path, O_RDONLY | O_CLOEXEC);
	tree = syscall(SYS_open_tree, AT_FDCWD, dir, 1 /* OPEN_TREE_CLONE */ | O_CLOEXEC);
	attr.userns_fd = userns;
	if (userns < 0 || tree < 0 ||
	    syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0 ||
	    setns(userns, CLONE_NEWUSER) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
		printf("setup: %s\n", strerror(errno));
		return 1;
	}
	fd = openat(tree, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (fd < 0 || write(fd, "#!/bin/sh\nid\n", 13) != 13 || fchmod(fd, 06755) < 0) {
		printf("plant: %s\n", strerror(errno));
		return 1;
	}
	printf("planted\n");
	return 0;
}

/* A deterministic window in a program that walks a tree by path: its open of DIR waits while
 * CMD changes the tree (the export's symlink-swap test). */
static int fangate(const char *dir, const char *cmd)
{
	struct fanotify_event_metadata m;
	struct fanotify_response r;
	int fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY);

	if (fd < 0 || fanotify_mark(fd, FAN_MARK_ADD, FAN_OPEN_PERM | FAN_ONDIR, AT_FDCWD,
				    dir) < 0) {
		printf("unsupported: %s\n", strerror(errno));
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	if (read(fd, &m, sizeof(m)) < (ssize_t)sizeof(m) || m.vers != FANOTIFY_METADATA_VERSION)
		return 1;
	if (system(cmd) != 0)
		printf("command failed\n");
	r.fd = m.fd;
	r.response = FAN_ALLOW;
	if (write(fd, &r, sizeof(r)) != sizeof(r))
		return 1;
	close(m.fd);
	printf("released\n");
	return 0;
}

/* PTRACE_SEIZE on the newest pids, as fast as the kernel answers (see the header). */
static int ptrace_race(const char *target, const char *stop)
{
	time_t end = time(NULL) + 30;
	unsigned long n = 0;
	long last = -1;

	printf("ready\n");
	fflush(stdout);
	for (;;) {
		char path[64], line[256], comm[64] = "", uid[64] = "", fsuid[64] = "";
		long pid, k;
		FILE *f;

		if (n++ % 256 == 0) {
			if (access(stop, F_OK) == 0 || time(NULL) > end)
				break;
			f = fopen("/proc/sys/kernel/ns_last_pid", "re");
			if (f && fscanf(f, "%ld", &k) == 1)
				last = k;
			if (f)
				fclose(f);
		}
		for (pid = last - 3; pid <= last + 2; pid++) {
			if (pid <= 1 || pid == getpid() || pid == getppid() ||
			    ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
				continue;
			ptrace(PTRACE_INTERRUPT, pid, 0, 0);
			waitpid(pid, NULL, __WALL);
			snprintf(path, sizeof(path), "/proc/%ld/status", pid);
			f = fopen(path, "re");
			while (f && fgets(line, sizeof(line), f)) {
				if (sscanf(line, "Name: %63s", comm) == 1)
					continue;
				if (strncmp(line, "Uid:", 4) == 0)
					sscanf(line, "Uid: %*s %63s %*s %63s", uid, fsuid);
			}
			if (f)
				fclose(f);
			if (strcmp(comm, target) == 0) {
				printf("HOST %s uid %s fsuid %s\n", comm, uid, fsuid);
				kill(pid, SIGKILL);
				return 0;
			}
			ptrace(PTRACE_DETACH, pid, 0, 0);
		}
	}
	printf("none\n");
	return 1;
}

/* The system calls gate and refuse act on, by name; a filter that returns ret for them
 * and allows everything else.  -1 for a name not in the table. */
static int syscall_filter(const char *name, uint32_t ret, struct sock_filter f[6])
{
	static const struct {
		const char *name;
		unsigned nr;
		bool match_arg1;	/* only when the second argument is arg1 */
		uint32_t arg1;
	} what[] = {
		{ "setresgid", SYS_setresgid, false, 0 },
		{ "sethostname", SYS_sethostname, false, 0 },
		{ "fsconfig", SYS_fsconfig, false, 0 },
		{ "mount_setattr", SYS_mount_setattr, false, 0 },
		/* setns into a network namespace alone (what a start's network setup does;
		 * its mount helper joins several namespaces at once) */
		{ "setns-net", SYS_setns, true, CLONE_NEWNET },
		/* a filter with a listener, as on a kernel without user notifications */
		{ "seccomp-listener", SYS_seccomp, true, SECCOMP_FILTER_FLAG_NEW_LISTENER },
	};
	unsigned i;

	for (i = 0; i < sizeof(what) / sizeof(what[0]) && strcmp(name, what[i].name) != 0; i++)
		;
	if (i == sizeof(what) / sizeof(what[0]))
		return -1;
	/* The argument is looked at only where it matters: else both ways lead to ret. */
	f[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	f[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, what[i].nr, 0, 3);
	f[2] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					    offsetof(struct seccomp_data, args[1]));
	f[3] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, what[i].arg1, 0,
					    what[i].match_arg1 ? 1 : 0);
	f[4] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, ret);
	f[5] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return 0;
}

/* Hold each SYSCALL of COMMAND and its children USEC microseconds (see the header). */
static int gate(const char *name, long usec, char **argv)
{
	struct sock_filter f[6];
	struct sock_fprog prog = { .len = 6, .filter = f };
	int lfd, pidfd, st;
	pid_t pid;

	if (syscall_filter(name, SECCOMP_RET_USER_NOTIF, f) < 0) {
		fprintf(stderr, "probe: gate: no such system call here: %s\n", name);
		return 2;
	}
	lfd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (lfd < 0) {
		perror("probe: seccomp user notification");
		return 2;
	}
	pid = fork();
	if (pid == 0) {
		close(lfd);
		execvp(argv[0], argv);
		_exit(127);
	}
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		struct pollfd p[2] = { { .fd = lfd, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN) {
			memset(&req, 0, sizeof(req));
			if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req) == 0) {
				usleep(usec);
				memset(&resp, 0, sizeof(resp));
				resp.id = req.id;
				resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
				ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
			}
		}
		if (p[1].revents & POLLIN)
			break;
	}
	if (waitpid(pid, &st, 0) != pid)
		return 2;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The device programs attached to a cgroup2 directory (see the header). */
static int bpf_query(const char *dir)
{
	__u32 ids[64];
	union bpf_attr a;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	unsigned i;

	if (fd < 0) {
		perror(dir);
		return 2;
	}
	memset(&a, 0, sizeof(a));
	a.query.target_fd = fd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uintptr_t)ids;
	a.query.prog_cnt = 64;
	if (syscall(SYS_bpf, BPF_PROG_QUERY, &a, sizeof(a)) < 0) {
		perror("probe: BPF_PROG_QUERY");
		return 2;
	}
	for (i = 0; i < a.query.prog_cnt; i++)
		printf("%u\n", ids[i]);
	return 0;
}

/* Run COMMAND with each SYSCALL failing with EINVAL (see the header). */
static int refuse(const char *name, char **argv)
{
	struct sock_filter f[6];
	struct sock_fprog prog = { .len = 6, .filter = f };

	if (syscall_filter(name, SECCOMP_RET_ERRNO | EINVAL, f) < 0) {
		fprintf(stderr, "probe: refuse: no such system call here: %s\n", name);
		return 2;
	}
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		perror("probe: seccomp");
		return 2;
	}
	execvp(argv[0], argv);
	perror("probe: refuse");
	return 127;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "bpf-query") == 0)
		return bpf_query(argv[2]);
	if (argc >= 4 && strcmp(argv[1], "refuse") == 0)
		return refuse(argv[2], argv + 3);
	if (argc == 4 && strcmp(argv[1], "ptrace-race") == 0)
		return ptrace_race(argv[2], argv[3]);
	if (argc >= 5 && strcmp(argv[1], "gate") == 0)
		return gate(argv[2], atol(argv[3]), argv + 4);
	if (argc == 4 && strcmp(argv[1], "waitmount") == 0)
		return waitmount(argv[2], atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "wait-dad") == 0)
		return wait_dad(argv[2], atoi(argv[3]));
	if (argc == 5 && strcmp(argv[1], "idmap-plant") == 0)
		return idmap_plant(argv[2], argv[3], argv[4]);
	if (argc == 4 && strcmp(argv[1], "setmac") == 0)
		return setmac(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "waitshrink") == 0)
		return waitshrink(argv[2], atol(argv[3]), atoi(argv[4]));
	if (argc == 3 && strcmp(argv[1], "tun") == 0)
		return tun(argv[2]);
	if (argc == 5 && strcmp(argv[1], "waitpath") == 0)
		return waitpath(argv[2], argv[3], atoi(argv[4]));
	if (argc == 3 && strcmp(argv[1], "old-ctl") == 0)
		return old_ctl(argv[2]);
	if (argc == 4 && strcmp(argv[1], "unix-listen") == 0)
		return unix_listen(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "syslog-flood") == 0)
		return syslog_flood(atoi(argv[2]), argv[3]);
	if (argc == 4 && strcmp(argv[1], "fangate") == 0)
		return fangate(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "outage") == 0)
		return outage(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 5 && strcmp(argv[1], "waitfor") == 0)
		return waitfor(argv[2], argv[3], atoi(argv[4]));
	if (argc == 2 && strcmp(argv[1], "escape") == 0)
		return escape();
	if (argc == 2 && strcmp(argv[1], "exe-trap") == 0)
		return exe_trap();
	if (argc >= 2 && strcmp(argv[1], "udp-send") == 0)
		return udp_send(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "raw6-send") == 0)
		return raw6_send(argc - 2, argv + 2);
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
		" raw6-send IFACE MAC SRC DST PORT N |"
			" udp-count PORT | udp-end DST PORT\n");
	return 2;
}
