#!/usr/bin/python3
"""tests/httpd.py DIR ADDRESS — a test image server: python3's http.server serving DIR.

Prints "listening PORT" once it accepts connections (the port is the kernel's choice), then
logs one line per request ("GET /path 200") on standard output.  A file DIR/.truncate lists
paths (one per line) that are sent cut in half: the full Content-Length is promised and the
connection is closed half way, as a broken download would be.
"""
import functools
import http.server
import os
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def log_request(self, code="-", size="-"):
        print(f"{self.command} {self.path} {code}", flush=True)

    def truncated(self):
        try:
            with open(os.path.join(self.directory, ".truncate")) as f:
                return self.path in [line.strip() for line in f]
        except FileNotFoundError:
            return False

    def copyfile(self, source, outputfile):
        if not self.truncated():
            return super().copyfile(source, outputfile)
        data = source.read()
        outputfile.write(data[: len(data) // 2])
        outputfile.flush()
        self.close_connection = True


def main():
    directory, address = sys.argv[1], sys.argv[2]
    handler = functools.partial(Handler, directory=directory)
    server = http.server.ThreadingHTTPServer((address, 0), handler)
    print(f"listening {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
