#ifndef SPOOFGUARD_CSPOOFGUARDSYSTEM_H
#define SPOOFGUARD_CSPOOFGUARDSYSTEM_H
// The glibc calls that Swift's Glibc module hides (behind _GNU_SOURCE, or not at all). The first
// two return 0 or an errno value (never -1 with errno set), so that Swift reads the error where it happened.

/// setns(fd, CLONE_NEWNET): moves the calling thread (only) into the network namespace open at `fd`.
int sg_enter_network_namespace(int fd);

/// posix_spawn_file_actions_addchdir_np (glibc ≥ 2.29): the child changes to `path` before
/// exec. `actions` is a posix_spawn_file_actions_t *.
int sg_spawn_actions_add_chdir(void *actions, const char *path);

/// Where the kernel mapped this executable's program headers (getauxval(AT_PHDR)) and how many
/// there are (AT_PHNUM); 0 for either when unknown. The build-id is read from them.
unsigned long sg_program_headers(unsigned long *count);
#endif
