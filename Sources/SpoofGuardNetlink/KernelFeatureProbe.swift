internal import CNetfilter
import Glibc
import SpoofGuard
import SpoofGuardSystem

extension NetfilterKernel {
    /// Asks the kernel, without changing anything, what its netdev hooks accept: one batch
    /// without BATCH_END (the kernel validates every message, then aborts, as for `nft -c`)
    /// holding a netdev chain on a device name that does not exist (6.1 answers ENOENT) and one
    /// on a device prefix (NFTA_DEVICE_PREFIX; kernels before 6.16 answer EINVAL). An aborted
    /// batch sends no nf_tables event and leaves the generation as it is.
    public func features() throws(NetlinkError) -> KernelFeatures {
        // A name no device has (15 bytes, random): the chain may not find it by chance.
        let absent = "sgprobe" + String(UInt32.random(in: .min ... .max), radix: 16).leftPadded(to: 8)
        let buffer = MessageBuffer(capacity: MessageBuffer.headroom)
        let family = UInt16(TableFamily.netdev.nfproto)
        let begin = socket.takeSeq()
        buffer.append { nftnl_batch_begin($0, begin) }
        let table = NftTable(family: .netdev, name: "spoofguard-probe")
        let tableSeq = socket.takeSeq()
        buffer.append({ nftnl_nlmsg_build_hdr($0, NftMessage.newTable.rawValue, family, UInt16(NLM_F_CREATE), tableSeq) },
                      payload: table.build)
        var probes: [UInt32: String] = [:]
        for (name, device) in [("absent", absent), ("prefix", absent + "*")] {
            let seq = socket.takeSeq()
            probes[seq] = name
            buffer.append({ nftnl_nlmsg_build_hdr($0, NftMessage.newChain.rawValue, family, UInt16(NLM_F_CREATE), seq) }) { header in
                mnl_attr_put_strz(header, attribute(NFTA_CHAIN_TABLE), "spoofguard-probe")
                mnl_attr_put_strz(header, attribute(NFTA_CHAIN_NAME), name)
                mnl_attr_put_strz(header, attribute(NFTA_CHAIN_TYPE), ChainType.filter.rawValue)
                HookDevices.put(header, hook: Hook.ingress.kernelNumber(in: .netdev), priority: 0, devices: [device])
            }
        }
        let operation = "probing the kernel's netdev hook features (nothing is committed)"
        try socket.send(buffer.bytes, operation: operation)
        var refused: [String: Int32] = [:]
        for ack in try socket.drainAcks(operation: operation) where ack.errno != 0 {
            guard let probe = probes[ack.seq], [ENOENT, EINVAL, ENODEV, EOPNOTSUPP].contains(ack.errno) else {
                // BEGIN or the table failed (EPERM, no nf_tables), or a chain failed for a reason
                // that says nothing about the feature: no answer.
                var error = NetlinkError(errno: ack.errno, operation: operation, kernelMessage: ack.message)
                error.isKernelReply = true
                throw error
            }
            refused[probe] = ack.errno
        }
        return KernelFeatures(absentDevices: refused["absent"] == nil, devicePrefixes: refused["prefix"] == nil)
    }
}

/// `features()` asked on a connection and a thread of their own, started at once: the probe
/// is mostly the kernel's time (it creates and aborts a netdev table, 2–15 ms here), which
/// `apply` lets pass while it decodes the policy instead of waiting for it afterwards. The
/// kernel's features are the same in every namespace, so its answer stands for any connection.
public final class BackgroundFeatureProbe: Sendable {
    private let thread: StartedThread<Result<KernelFeatures, NetlinkError>>?

    public init(namespace: NetworkNamespace?) {
        thread = try? StartedThread { Result { () throws(NetlinkError) in try NetfilterKernel(namespace: namespace).features() } }
    }

    /// The probe's answer, or its error; nil when its thread could not start.
    func answer() throws(NetlinkError) -> KernelFeatures? {
        try thread?.join().get()
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
