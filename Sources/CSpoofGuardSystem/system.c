#define _GNU_SOURCE
#include "CSpoofGuardSystem.h"
#include <errno.h>
#include <sched.h>
#include <spawn.h>
#include <sys/auxv.h>

int sg_enter_network_namespace(int fd) {
    return setns(fd, CLONE_NEWNET) == 0 ? 0 : errno;
}

int sg_spawn_actions_add_chdir(void *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np((posix_spawn_file_actions_t *)actions, path);
}

unsigned long sg_program_headers(unsigned long *count) {
    *count = getauxval(AT_PHNUM);
    return getauxval(AT_PHDR);
}
