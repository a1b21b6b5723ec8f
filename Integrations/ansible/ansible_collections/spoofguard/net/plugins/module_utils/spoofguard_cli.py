# -*- coding: utf-8 -*-
# Runs the installed spoofguard binary for the modules of this collection: finds it, passes
# --netns, parses its --json report, and turns its exit codes and FILE: $.path: messages into
# fail_json results. Every decision (what changed, what is invalid) is spoofguard's own.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re
import tempfile

# DESIGN.md's exit codes, as an operator reads them.
EXIT_MEANINGS = {
    1: 'spoofguard found a difference',
    64: 'usage error (this spoofguard does not understand the arguments: is it too old?)',
    65: 'invalid policy',
    66: 'the policy file cannot be opened',
    69: 'the kernel refused the ruleset or lacks nf_tables',
    71: 'an operating system call failed',
    77: 'permission denied: spoofguard needs CAP_NET_ADMIN (become: true)',
}

# One line per policy problem: "FILE: $.external[0]: message".
PROBLEM_LINE = re.compile(r'^(?P<file>.*?): (?P<path>\$[^:]*): (?P<message>.*)$')

SEARCH_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin']


def common_argument_spec():
    return dict(
        path=dict(type='path'),
        policy=dict(type='dict'),
        netns=dict(type='str'),
        executable=dict(type='path'),
    )


class SpoofGuardCLI(object):
    def __init__(self, module):
        self.module = module
        self.binary = module.params['executable'] or module.get_bin_path('spoofguard', required=True, opt_dirs=SEARCH_DIRS)
        self.netns = module.params['netns']
        self.inline_file = None

    def policy_file(self):
        """The policy's path on the target; an inline policy is written to a private file first."""
        if self.module.params['path']:
            return self.module.params['path']
        if self.module.params['policy'] is None:
            return None
        descriptor, name = tempfile.mkstemp(prefix='spoofguard-policy-', suffix='.json', dir=self.module.tmpdir)
        with os.fdopen(descriptor, 'w') as handle:
            json.dump(self.module.params['policy'], handle)
        self.inline_file = name
        return name

    def subcommands(self):
        rc, out, err = self.module.run_command([self.binary, '--experimental-dump-help'])
        if rc != 0:
            return []
        command = json.loads(out).get('command', {})
        return [sub.get('commandName') for sub in command.get('subcommands', [])]

    def run(self, arguments, accept=(0,), json_output=True):
        """Runs `spoofguard ARGUMENTS [--netns NS]`; fails the task on any exit code outside accept."""
        command = [self.binary] + list(arguments)
        if self.netns:
            command += ['--netns', self.netns]
        rc, out, err = self.module.run_command(command)
        if self.inline_file:
            out = out.replace(self.inline_file, '<inline policy>')
            err = err.replace(self.inline_file, '<inline policy>')
        if rc not in accept:
            self.fail(arguments[0], rc, out, err, command)
        report = None
        if json_output:
            try:
                report = json.loads(out)
            except ValueError:
                self.module.fail_json(msg='spoofguard {0} printed no JSON report'.format(arguments[0]),
                                      rc=rc, stdout=out, stderr=err, cmd=command)
        return rc, report, err

    def fail(self, subcommand, rc, out, err, command):
        problems = []
        for line in err.splitlines():
            match = PROBLEM_LINE.match(line)
            if match:
                problems.append(match.groupdict())
        meaning = EXIT_MEANINGS.get(rc, 'unexpected exit code')
        detail = err.strip().splitlines()
        msg = 'spoofguard {0} failed with exit code {1} ({2})'.format(subcommand, rc, meaning)
        if detail:
            msg += ': ' + detail[0]
        self.module.fail_json(msg=msg, rc=rc, stdout=out, stderr=err, cmd=command, problems=problems,
                              json_paths=[problem['path'] for problem in problems])
