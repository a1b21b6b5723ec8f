/// `status --json` (and `--format json`): the loaded guard in spoofguard's machine-output key
/// style (snake_case, as every `--json` output and nft's own JSON). Written straight to the
/// writer: a 100 k-prefix table lists 100 k elements, and a tree would hold each twice.
extension LoadedGuard {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("present", present)
            writer.member("tables", objects: tables) { writer, table in table.writeMembers(to: &writer) }
            writer.member("interfaces", objects: interfaces) { writer, interface in
                writer.member("name", interface.name)
                writer.member("guarded", interface.guarded)
                writer.member("guarded_by", strings: interface.guardedBy)
            }
            writer.key("kernel_features")
            if let kernelFeatures { writer.write(kernelFeatures.json) } else { writer.null() }
        }
    }
}

extension LoadedGuard.TableSummary {
    func writeMembers(to writer: inout JSONWriter) {
        writer.member("family", family)
        writer.member("name", name)
        writer.member("marked", marked)
        writer.member("guarded_interfaces", strings: guardedInterfaces)
        writer.member("excluded_interfaces", strings: excludedInterfaces)
        writer.member("guarded_sources", strings: guardedSources)
        writer.member("guarded_destinations", strings: guardedDestinations)
        writer.member("chains", objects: chains) { writer, chain in
            writer.member("name", chain.name)
            writer.member("hook", chain.hook)
            writer.member("rules", objects: chain.rules) { writer, rule in
                writer.member("comment", rule.comment)
                writer.member("handle", rule.handle)
                writer.member("text", rule.text)
                writer.member("packets", rule.packets)
                writer.member("bytes", rule.bytes)
            }
        }
        writer.member("sets", objects: sets) { writer, set in
            writer.member("name", set.name)
            writer.member("type", set.type)
            // null unless read (`status --elements`): the dump of a large interval set is slow.
            if let elements = set.elements { writer.member("elements", strings: elements) } else { writer.member("elements", nil as String?) }
        }
    }
}

extension KernelFeatures {
    /// `kernel_features` in apply, status and audit JSON.
    public var json: OrderedJSON {
        .object([("absent_devices", .bool(absentDevices)), ("device_prefixes", .bool(devicePrefixes))])
    }
}
