#ifndef SPOOFGUARD_CNETFILTER_SHIM_H
#define SPOOFGUARD_CNETFILTER_SHIM_H
/* glibc's socket headers first, so that the kernel UAPI headers below (linux/in.h via
   linux/netfilter.h) see them and skip their duplicate definitions. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <libnftnl/table.h>
#include <libnftnl/chain.h>
#include <libnftnl/set.h>
#include <libnftnl/rule.h>
#include <libnftnl/expr.h>
#include <libnftnl/batch.h>
#include <libnftnl/common.h>
#include <libnftnl/gen.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <unistd.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/signalfd.h>
#include <sys/un.h>

/* enum nft_devices_attributes gained NFTA_DEVICE_PREFIX (a NUL-terminated name prefix, no '*')
   in Linux 6.16; the installed 6.1 headers and libnftnl 1.2.4 stop at NFTA_DEVICE_NAME. */
#define SPOOFGUARD_NFTA_DEVICE_PREFIX 2

/* The calling thread's id, as NFT_MSG_NEWGEN names the committer (NFTA_GEN_PROC_PID). */
static inline int spoofguard_thread_id(void) {
    return (int)syscall(SYS_gettid);
}
#endif
