import SpoofGuard

extension ApplyReport {
    /// The report of an apply that found the policy loaded through the element record's policy
    /// proof (`NetfilterKernel.stillHolds`), without decoding it: what the full path reports for
    /// an unchanged table, from the record (`kernelFeatures` is the caller's to probe).
    public init(unchangedBy record: ElementRecord, proof: PolicyProof, table: String, checked: Bool) {
        self.checked = checked
        tables = proof.families.map { "\($0.rawValue) \(table)" }
        rules = proof.rules
        elements = proof.elements
        elementsProvenBy = .record
        self.record = record
    }
}
