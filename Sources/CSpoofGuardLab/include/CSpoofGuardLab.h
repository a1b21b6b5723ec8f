#ifndef SPOOFGUARD_CSPOOFGUARDLAB_H
#define SPOOFGUARD_CSPOOFGUARDLAB_H
// The few system calls the kernel lab needs that Swift's Glibc module does not expose
// (AF_PACKET with sockaddr_ll, IP_FREEBIND binds; setns is SpoofGuardSystem's). Each returns 0 / a descriptor,
// or -errno.
#include <stddef.h>
#include <stdint.h>

/// An AF_PACKET SOCK_RAW socket bound to `ifindex` that sends whole Ethernet frames and
/// receives nothing (protocol 0). The socket stays in the namespace it was created in.
int sg_lab_packet_socket(int ifindex);

/// Sends one UDP datagram from `source` (bound with IP_FREEBIND, so it need not be a local
/// address) to `destination`, both 4 or 16 bytes in network order per `family`
/// (AF_INET / AF_INET6). Uses the calling thread's network namespace.
int sg_lab_send_udp(int family, const uint8_t *source, uint16_t source_port,
                    const uint8_t *destination, uint16_t destination_port,
                    const uint8_t *payload, size_t length);

/// A UDP socket bound to [::]:port (dual-stack, so IPv4 too), with a small receive buffer.
/// Keeps datagrams to that port from drawing ICMP "port unreachable" answers.
int sg_lab_udp_listener(uint16_t port);

/// Detaches and removes a bind-mounted namespace file (what `ip netns delete` does).
/// Safe to call from a signal-handling context: two system calls, no allocation.
int sg_lab_remove_namespace_file(const char *path);

int sg_lab_af_inet(void);
int sg_lab_af_inet6(void);
#endif
