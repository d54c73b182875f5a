#!/bin/sh
# JSON output: every --json document, from real contexts (running, stopped, with an address, a
# disk image, a snapshot), checked against the layout vctx(8) and vnet(8) document, key by key
# and type by type; a checker that cannot tell a wrong document from a right one is shown to
# fail on one.
. "$(dirname "$0")/lib.sh"

plan 16

A=$(ctx jrun); B=$(ctx jstop)
t_build_busybox && vx create "$A" --template busybox memory=64M pids=200 &&
	vx start "$A" && vx snapshot "$A" s1 >/dev/null &&
	vx create "$B" --template busybox group=tier2 disk=64M address=203.0.113.10/24 \
		address=2001:db8::10/64 devices=fuse
ok $? "a running context with a snapshot, a stopped one with addresses, a group and a disk"

# The checker: the schema blocks of the man pages, then one document on stdin checked against
# the named layout.  Prints one line per departure; exits 1 if there was any.
cat >"$T_TMP/schema.pl" <<'EOF'
use strict; use warnings; use JSON::PP; use B;
my ($want, @pages) = @ARGV;
my (%layout, $cur);
for my $page (@pages) {
	open(my $f, '<', $page) or die "$page: $!";
	my $in = 0;
	while (<$f>) {
		$in = 1, next if /json-schema begin/;
		$in = 0 if /json-schema end/;
		next unless $in && !/^\./;
		if (/^(\S.*):$/) { $cur = $1; $layout{$cur} = []; next }
		push @{$layout{$cur}}, [$1, $2] if /^  (\S+)\s*(\S*)/;
	}
}
die "no layout '$want'\n" unless $layout{$want};
my $raw = do { local $/; <STDIN> };
my @bad;
push @bad, "does not start with {\"format\":1," unless $raw =~ /^\{"format":1,/;
my $doc = eval { JSON::PP->new->decode($raw) } or do { print "not JSON: $@"; exit 1 };
sub keys_of { my $n = shift; map { $_->[0] =~ /^\.\.\.(.*)/ ? keys_of($1) : $_ } @{$layout{$n}} }
sub is_num { my $v = shift; my $fl = B::svref_2object(\$v)->FLAGS;
	return !ref($v) && ($fl & (B::SVp_IOK | B::SVp_NOK)) && !($fl & B::SVp_POK) }
sub check {
	my ($v, $type, $path) = @_;
	for my $alt (split /\|/, $type) {
		return 1 if $alt eq 'null' && !defined $v;
		next unless defined $v;
		return 1 if $alt eq 'string' && !ref($v) && !is_num($v);
		return 1 if $alt eq 'number' && is_num($v);
		return 1 if $alt eq 'bool' && JSON::PP::is_bool($v);
		if ($alt =~ /^\[(.*)\]$/ && ref($v) eq 'ARRAY') {
			my ($elem, $ok) = ($1, 1);
			$ok &= check($v->[$_], $elem, "$path\[$_\]") for 0 .. $#$v;
			return $ok;
		}
		return object($v, $alt, $path) if $layout{$alt} && ref($v) eq 'HASH';
	}
	push @bad, "$path: " . (defined $v ? encode_json([$v]) : 'null') . " is not $type";
	return 0;
}
sub object {
	my ($v, $name, $path) = @_;
	my %doc = map { $_->[0] => $_->[1] } keys_of($name);
	for my $k (sort keys %doc) {
		if (!exists $v->{$k}) { push @bad, "$path.$k: missing"; next }
		check($v->{$k}, $doc{$k}, "$path.$k");
	}
	exists $doc{$_} or push @bad, "$path.$_: not documented" for sort keys %$v;
	return 1;
}
object($doc, $want, $want);
print "$_\n" for @bad;
exit(@bad ? 1 : 0);
EOF
PAGES="$T_TOP/man/vctx.8 $T_TOP/man/vnet.8"
schema() { perl "$T_TMP/schema.pl" "$1" $PAGES 2>&1 | head -n 20 | sed 's/^/#   /'; }
# conforms LAYOUT DESCRIPTION COMMAND...
conforms() {
	_l=$1 _d=$2
	shift 2
	"$@" >"$T_TMP/doc.json" 2>/dev/null
	_out=$(schema "$_l" <"$T_TMP/doc.json")
	is "$_out" "" "$_d"
}

is "$(perl -ne '$in = 1 if /json-schema begin/; $in = 0 if /json-schema end/;
	print "$1\n" if $in && /^(\S.*):$/' $PAGES | tr '\n' ' ')" \
	"vctx list --json vctx status --json NAME context limits memory pids cpu disk network vctx template list --json template vctx snapshot list --json NAME snapshot vctx check --json feature setting vnet list --json vnet-address " \
	"the man pages document each layout"
conforms "vctx list --json" "vctx list --json" vx list --json
conforms "vctx status --json NAME" "vctx status --json, running" vx status --json "$A"
conforms "vctx status --json NAME" "vctx status --json, stopped, with addresses and a disk" vx status --json "$B"
conforms "vctx template list --json" "vctx template list --json" vx template list --json
conforms "vctx snapshot list --json NAME" "vctx snapshot list --json" vx snapshot list --json "$A"
conforms "vctx check --json" "vctx check --json" vx check --json
conforms "vnet list --json" "vnet list --json" "$VNET" list --json

# What the layout promises, on the values themselves.
S=$(vx status --json "$A")
like "$S" '"init_pid":[0-9]+,' "a running context has its init's pid"
like "$S" '"limits":\{"memory":67108864,"memory_swap":null,"pids":200,' \
	"configured limits are numbers, and null where none is set"
T=$(vx status --json "$B")
like "$T" '"init_pid":null,.*"uptime":null,.*"group":"tier2",.*"memory":null,"pids":null,"cpu":null,' \
	"a stopped one has null, not 0, for what does not apply"
like "$T" '"addresses":\["203.0.113.10/24","2001:db8::10/64"\].*"devices":\["fuse"\]' \
	"lists are arrays"
like "$(vx template list --json)" "\"used_by\":\[(\"$A\",\"$B\"|\"$B\",\"$A\")\]" "used_by is an array of names"

# The control: a document with a number where a string belongs and an undocumented key.
printf '%s' "$S" | sed 's/"hostname":"[^"]*"/"hostname":7/; s/"uptime":/"uptim":/' >"$T_TMP/bad.json"
like "$(schema "vctx status --json NAME" <"$T_TMP/bad.json" | tr '\n' ' ')" \
	"hostname: \[7\] is not string\|null.*uptime: missing.*uptim: not documented" \
	"the checker finds a wrong type, a missing key and an undocumented one"

t_done
