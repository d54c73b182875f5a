// SPDX-License-Identifier: GPL-2.0-or-later
/* The name servers and host names a context starts with. */
#include <stdlib.h>
#include <string.h>

#include "core/resolv.h"
#include "unit.h"

static void servers(void **state)
{
	char out[256];

	(void)state;
	assert_int_equal(resolv_servers("# generated\nnameserver 192.0.2.53\nsearch example.org\n"
					"nameserver\t2001:db8::53 # v6\noptions edns0\n", out,
					sizeof(out)), 2);
	assert_string_equal(out, "nameserver 192.0.2.53\nnameserver 2001:db8::53\n");
	/* A local stub is the host's loopback, not the context's. */
	assert_int_equal(resolv_servers("nameserver 127.0.0.53\nnameserver ::1\n", out,
					sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(resolv_servers("nameservers 192.0.2.1\n", out, sizeof(out)), 0);
}

static void hosts(void **state)
{
	char *h;

	(void)state;
	h = resolv_hosts(NULL, "web1");
	assert_string_equal(h, "127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n"
			       "127.0.1.1\tweb1\n");
	free(h);
	/* The tenant's lines stay; vctx's line follows the host name. */
	h = resolv_hosts("127.0.0.1 localhost\n127.0.1.1 old.example old\n198.51.100.9 db\n", "web2");
	assert_string_equal(h, "127.0.0.1 localhost\n127.0.1.1\tweb2\n198.51.100.9 db\n");
	free(h);
	h = resolv_hosts("127.0.0.1 localhost\n198.51.100.9 db", "web3");
	assert_string_equal(h, "127.0.0.1 localhost\n198.51.100.9 db\n127.0.1.1\tweb3\n");
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(servers),
		cmocka_unit_test(hosts),
	};

	RUN(tests);
}
