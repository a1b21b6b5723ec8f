/// nft_limit's packet token bucket: a packet costs `unit / rate` nanoseconds of tokens; the
/// bucket holds `burst` packets' worth, starts full and refills with time. `take` answers
/// whether the packet is within the limit (the rule goes on) or over it (the rule stops).
struct TokenBucket: Sendable {
    let cost: UInt64
    let capacity: UInt64
    private var tokens: UInt64
    private var last: UInt64 = 0

    init(_ limit: RateLimit, empty: Bool = false) {
        let nanoseconds = limit.unit.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        cost = nanoseconds.overflow ? .max : nanoseconds.partialValue / max(limit.rate, 1)
        // The kernel treats a burst of 0 as its default of 5 for packet limits.
        let burst = UInt64(limit.burst == 0 ? 5 : limit.burst)
        let product = cost.multipliedReportingOverflow(by: burst)
        capacity = product.overflow ? .max : product.partialValue
        tokens = empty ? 0 : capacity
    }

    mutating func take(at now: UInt64) -> Bool {
        let elapsed = now >= last ? now - last : 0
        last = now
        let refilled = tokens.addingReportingOverflow(elapsed)
        tokens = refilled.overflow ? capacity : min(refilled.partialValue, capacity)
        guard tokens >= cost else { return false }
        tokens -= cost
        return true
    }
}
