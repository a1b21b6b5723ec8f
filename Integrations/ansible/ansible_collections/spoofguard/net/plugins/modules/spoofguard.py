#!/usr/bin/python
# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: spoofguard
short_description: Load or remove spoofguard's loopback anti-spoofing guard
version_added: "0.1.0"
description:
  - Runs the installed C(spoofguard) binary on the target with C(--json). With I(state=present)
    it runs C(spoofguard apply), which replaces spoofguard's own nftables table in one atomic
    transaction only when the kernel's copy differs from the policy; I(changed) is spoofguard's
    own report. No other table is touched.
  - In check mode it runs C(spoofguard apply --check) instead, so the kernel validates the whole
    transaction and commits nothing; the task reports whether an apply would change anything.
  - In diff mode it returns what C(spoofguard diff --json) finds between the kernel and the policy.
  - A policy that spoofguard refuses fails the task with spoofguard's message and the JSON path
    of every problem, before anything is sent to the kernel.
  - With I(state=absent) it runs C(spoofguard remove), deleting spoofguard's table in every family.
author:
  - spoofguard maintainers (!UNKNOWN)
requirements:
  - spoofguard installed on the target (the C(spoofguard) Debian package, or a build from source)
attributes:
  check_mode:
    support: full
    description: Uses C(spoofguard apply --check); the kernel validates the transaction and nothing is committed.
  diff_mode:
    support: full
    description: Before is what the kernel holds that the policy does not, after what the policy holds that the kernel does not.
options:
  path:
    description:
      - Path of the policy file on the target.
      - Mutually exclusive with I(policy).
    type: path
  policy:
    description:
      - The policy itself, as a dictionary in spoofguard's policy format version 1.
      - It is written to a private temporary file on the target, which is removed afterwards.
      - Mutually exclusive with I(path).
    type: dict
  state:
    description:
      - C(present) loads the policy; C(absent) removes spoofguard's table.
    type: str
    choices: [present, absent]
    default: present
  table:
    description:
      - The table to remove with I(state=absent) when neither I(path) nor I(policy) names it.
    type: str
    default: spoofguard
  revert_after:
    description:
      - Restore the previous table after this many seconds unless C(spoofguard confirm) runs
        first, so a policy that cuts off the management connection undoes itself.
      - Ignored in check mode, where nothing is committed.
    type: int
notes:
  - Exit codes map to the message as C(spoofguard --help) lists them; the raw code is in I(rc).
extends_documentation_fragment:
  - spoofguard.net.spoofguard
seealso:
  - module: spoofguard.net.spoofguard_audit
  - name: spoofguard(8)
    description: The manual page installed with spoofguard.
    link: file:///usr/share/doc/spoofguard/README.md
'''

EXAMPLES = r'''
- name: Load the installed policy
  spoofguard.net.spoofguard:
    path: /etc/spoofguard/policy.json
  become: true

- name: Load an inline policy over SSH, reverted unless confirmed within two minutes
  spoofguard.net.spoofguard:
    policy:
      version: 1
      external: [eth0, "wan*"]
      internal: [lo, br-lan]
    revert_after: 120
  become: true

- name: Load a policy in a network namespace
  spoofguard.net.spoofguard:
    path: /etc/spoofguard/policy.json
    netns: router

- name: Remove spoofguard's table
  spoofguard.net.spoofguard:
    state: absent
  become: true
'''

RETURN = r'''
table:
  description: The name of spoofguard's table.
  returned: always
  type: str
  sample: spoofguard
tables:
  description: The tables that the policy compiles to, as "family name".
  returned: when state is present
  type: list
  elements: str
  sample: ["inet spoofguard"]
removed:
  description: The families whose table was removed (or, in check mode, would be).
  returned: when state is absent
  type: list
  elements: str
  sample: ["inet"]
report:
  description: spoofguard's own JSON report (C(apply --json), C(apply --check --json), C(remove --json) or C(status --json)).
  returned: success
  type: dict
  sample: {"changed": true, "checked": false, "table": "spoofguard", "tables": ["inet spoofguard"], "rules": 6,
           "elements": 12, "messages": 23, "revert_after": null, "adopted": [],
           "kernel_features": {"absent_devices": true, "device_prefixes": true}}
differences:
  description: The lines of C(spoofguard diff) (C(-) in the policy only, C(+) loaded only, C(~) changed); empty when equal.
  returned: in diff mode with state present
  type: list
  elements: str
  sample: ["- table inet spoofguard (not loaded)"]
revert_after:
  description: Seconds until the previous table returns unless C(spoofguard confirm) runs.
  returned: when the table changed and I(revert_after) was given
  type: int
  sample: 120
rc:
  description: spoofguard's exit code.
  returned: failure
  type: int
  sample: 65
problems:
  description: Each policy problem spoofguard reported, with its file, JSON path and message.
  returned: failure, when the policy is invalid
  type: list
  elements: dict
  sample: [{"file": "/etc/spoofguard/policy.json", "path": "$.external[0]", "message": "\"lo\" would cut the host off from itself"}]
json_paths:
  description: The JSON paths of I(problems).
  returned: failure, when the policy is invalid
  type: list
  elements: str
  sample: ["$.external[0]"]
'''

import json

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.spoofguard.net.plugins.module_utils.spoofguard_cli import SpoofGuardCLI, common_argument_spec


def diff_from_lines(lines, header):
    """Ansible's before/after from spoofguard's diff lines: what only the kernel holds (+) and
    what changed (~) before, what only the policy holds (-) after."""
    before = [line[2:] for line in lines if line[:1] in ('+', '~')]
    after = [line[2:] for line in lines if line[:1] in ('-', '~')]
    return dict(before_header='kernel' + header, after_header='policy',
                before='\n'.join(before) + ('\n' if before else ''),
                after='\n'.join(after) + ('\n' if after else ''))


def present(module, cli):
    policy = cli.policy_file()
    header = ' (netns {0})'.format(cli.netns) if cli.netns else ''
    result = dict(changed=False)
    if module._diff:
        rc, report, err = cli.run(['diff', policy, '--json'], accept=(0, 1))
        result['differences'] = report['differences']
        result['diff'] = diff_from_lines(report['differences'], header)
    if module.check_mode:
        rc, report, err = cli.run(['apply', policy, '--check', '--json'])
        # A check sends no messages when the kernel already holds the policy.
        result['changed'] = report['messages'] > 0
    else:
        arguments = ['apply', policy, '--json']
        if module.params['revert_after'] is not None:
            arguments += ['--revert-after', str(module.params['revert_after'])]
        rc, report, err = cli.run(arguments)
        result['changed'] = report['changed']
        if report.get('revert_after') is not None:
            result['revert_after'] = report['revert_after']
    result.update(table=report['table'], tables=report['tables'], report=report)
    return result


def table_name(module):
    if module.params['policy'] is not None:
        return module.params['policy'].get('table', 'spoofguard')
    if module.params['path']:
        try:
            with open(module.params['path']) as handle:
                return json.load(handle).get('table', 'spoofguard')
        except (IOError, OSError, ValueError) as error:
            module.fail_json(msg='cannot read the table name from {0}: {1}'.format(module.params['path'], error))
    return module.params['table']


def absent(module, cli):
    table = table_name(module)
    header = ' (netns {0})'.format(cli.netns) if cli.netns else ''
    if module.check_mode or module._diff:
        rc, status, err = cli.run(['status', '--table', table, '--json'])
        loaded = ['{0} {1}'.format(t['family'], t['name']) for t in status['tables']]
    result = dict(table=table)
    if module._diff:
        result['diff'] = dict(before_header='kernel' + header, after_header='kernel' + header,
                              before=''.join('table {0}\n'.format(t) for t in loaded), after='')
    if module.check_mode:
        result.update(changed=bool(loaded), removed=[t.split(' ')[0] for t in loaded], report=status)
        return result
    rc, report, err = cli.run(['remove', '--table', table, '--json'])
    result.update(changed=bool(report['removed']), removed=report['removed'], report=report)
    return result


def main():
    argument_spec = common_argument_spec()
    argument_spec.update(
        state=dict(type='str', default='present', choices=['present', 'absent']),
        table=dict(type='str', default='spoofguard'),
        revert_after=dict(type='int'),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[('path', 'policy')],
        required_if=[('state', 'present', ('path', 'policy'), True)],
        supports_check_mode=True,
    )
    if module.params['revert_after'] is not None and module.params['revert_after'] < 1:
        module.fail_json(msg='revert_after must be at least 1 second')
    cli = SpoofGuardCLI(module)
    if module.params['state'] == 'present':
        module.exit_json(**present(module, cli))
    module.exit_json(**absent(module, cli))


if __name__ == '__main__':
    main()
