#define _GNU_SOURCE
#include "CSpoofGuardLab.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <netinet/in.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>

int sg_lab_packet_socket(int ifindex) {
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    struct sockaddr_ll address;
    memset(&address, 0, sizeof address);
    address.sll_family = AF_PACKET;
    address.sll_protocol = 0;
    address.sll_ifindex = ifindex;
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    return fd;
}

int sg_lab_send_udp(int family, const uint8_t *source, uint16_t source_port,
                    const uint8_t *destination, uint16_t destination_port,
                    const uint8_t *payload, size_t length) {
    int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int one = 1;
    int result = 0;
    if (family == AF_INET) {
        struct sockaddr_in from = { .sin_family = AF_INET, .sin_port = htons(source_port) };
        struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(destination_port) };
        memcpy(&from.sin_addr, source, 4);
        memcpy(&to.sin_addr, destination, 4);
        if (setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof one) != 0
            || bind(fd, (struct sockaddr *)&from, sizeof from) != 0
            || sendto(fd, payload, length, 0, (struct sockaddr *)&to, sizeof to) < 0)
            result = -errno;
    } else {
        struct sockaddr_in6 from = { .sin6_family = AF_INET6, .sin6_port = htons(source_port) };
        struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons(destination_port) };
        memcpy(&from.sin6_addr, source, 16);
        memcpy(&to.sin6_addr, destination, 16);
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof one) != 0
            || bind(fd, (struct sockaddr *)&from, sizeof from) != 0
            || sendto(fd, payload, length, 0, (struct sockaddr *)&to, sizeof to) < 0)
            result = -errno;
    }
    close(fd);
    return result;
}

int sg_lab_udp_listener(uint16_t port) {
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int zero = 0, small = 4096;
    struct sockaddr_in6 any = { .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_ANY_INIT };
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) != 0
        || setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small) != 0
        || bind(fd, (struct sockaddr *)&any, sizeof any) != 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    return fd;
}

int sg_lab_remove_namespace_file(const char *path) {
    int result = 0;
    if (umount2(path, MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) result = -errno;
    if (unlink(path) != 0 && errno != ENOENT) result = -errno;
    return result;
}

int sg_lab_af_inet(void) { return AF_INET; }
int sg_lab_af_inet6(void) { return AF_INET6; }
