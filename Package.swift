// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "spoofguard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "spoofguard", targets: ["spoofguard"]),
        .library(name: "SpoofGuard", targets: ["SpoofGuard"]),
        .library(name: "SpoofGuardNetlink", targets: ["SpoofGuardNetlink"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Pure Swift: addresses, policy, the nftables IR, compiler, renderers, packets,
        // evaluator and verifier. No C, no syscalls beyond reading files.
        .target(name: "SpoofGuard"),
        // libnftnl + libmnl, and nothing else. Only SpoofGuardNetlink imports it.
        .systemLibrary(
            name: "CNetfilter",
            pkgConfig: "libnftnl",
            providers: [.apt(["libnftnl-dev", "libmnl-dev"])]
        ),
        .target(name: "SpoofGuardNetlink", dependencies: ["SpoofGuard", "CNetfilter"]),
        .executableTarget(
            name: "spoofguard",
            dependencies: [
                "SpoofGuard",
                "SpoofGuardNetlink",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "SpoofGuardTests",
            dependencies: ["SpoofGuard"],
            // Test data read through #filePath, not bundled resources.
            exclude: ["Policy/Invalid", "Packets/Invalid"]
        ),
        .testTarget(name: "SpoofGuardNetlinkTests", dependencies: ["SpoofGuard", "SpoofGuardNetlink"]),
        // Depends on the executable so that `swift test` builds the binary these tests run.
        .testTarget(name: "SpoofGuardCLITests", dependencies: ["SpoofGuard", "spoofguard"]),
    ],
    swiftLanguageModes: [.v6]
)
