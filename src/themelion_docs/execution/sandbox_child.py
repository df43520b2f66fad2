"""The sandbox side of the runner: fork server, namespaces and the init process.

This file runs inside the configured interpreter as ``python -I sandbox_child.py``
with a scrubbed environment. It uses only the standard library (the configured
interpreter need not have themelion_docs installed) and is never imported by
the builder.

Process tree of one run unit (a standalone block or a whole session)::

    builder ──socket──> fork server (root, host namespaces, long-lived)
                          └─ gate   if the interpreter sits behind a closed
                                    folder (/root at 0700): masks it in a
                                    private mount namespace (see "masking");
                                    joins new user/pid/net/mount/ipc/uts
                                    namespaces; the fork server writes its
                                    uid map; reports the host pid of init
                               └─ init   pid 1 of the new pid namespace:
                                         mounts, loopback, drops privileges,
                                         rlimits, reaps orphans
                                    └─ worker   runs the blocks (worker_child)

Two channels lead back to the builder. The unit's control socket (``ctl``) is
trusted: only the gate and init write to it (started, note, worker-exit,
sandbox-exit, process-limit, setup-error), and the worker never holds it (it is
closed before any block runs; init and the gate are not dumpable, so a block
cannot take it from them through /proc or pidfd_getfd). The worker gets its own
socket (ready, done), handed to the builder by the gate with ``started``; the
builder treats everything on it as untrusted input. With ``started`` the gate
also hands a pidfd of the process the builder may kill (init, or the worker
without namespaces), taken before any block runs.

When init dies the kernel kills every process of its pid namespace, so a
block's daemon that called ``setsid()`` cannot outlive the unit. Inside, uid 0
is the host's ``nobody``: the kernel then counts RLIMIT_NPROC per unit and the
host's files are read-only to the block.

Without namespaces (``namespaces="off"`` or a kernel that refuses them) the
gate is a child subreaper instead: orphans of the unit are re-parented to it
and it kills the whole subtree when the worker ends, and enforces the process
limit by counting that subtree.
"""

from __future__ import annotations

import sys

if sys.path and sys.path[0] == __file__.rpartition("/")[0]:
    del sys.path[0]  # blocks must not import the runner's modules by accident

import ctypes
import fcntl
import json
import os
import resource
import select
import signal
import socket
import struct
import time
import traceback

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_NOATIME = 1024
MS_NODIRATIME = 2048
MS_RELATIME = 1 << 21
MS_BIND = 4096
MS_MOVE = 8192
MS_REC = 16384
MS_PRIVATE = 1 << 18

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
PR_SET_KEEPCAPS = 8
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_RAISE = 2
PR_CAP_AMBIENT_CLEAR_ALL = 4

CAP_DAC_READ_SEARCH = 2
LINUX_CAPABILITY_VERSION_3 = 0x20080522

SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1

MAX_MESSAGE = 1 << 20  # requests are small
NOBODY = 65534

_libc = ctypes.CDLL(None, use_errno=True)
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p]
_libc.unshare.argtypes = [ctypes.c_int]
_libc.setns.argtypes = [ctypes.c_int, ctypes.c_int]
_libc.sethostname.argtypes = [ctypes.c_char_p, ctypes.c_size_t]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


class SetupError(Exception):
    pass


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise SetupError(f"{what}: {os.strerror(err)} (errno {err})")


def prctl(option: int, arg: int = 0) -> None:
    _check(_libc.prctl(option, arg, 0, 0, 0), f"prctl({option})")


def send(sock: socket.socket, event: dict) -> None:
    try:
        sock.send(json.dumps(event).encode())
    except OSError:
        pass


# ---------------------------------------------------------------- namespaces


def unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def write_id_maps(pid: int, id_map: str) -> None:
    with open(f"/proc/{pid}/setgroups", "w") as f:
        f.write("deny")
    with open(f"/proc/{pid}/uid_map", "w") as f:
        f.write(id_map)
    with open(f"/proc/{pid}/gid_map", "w") as f:
        f.write(id_map)


def loopback_up() -> None:
    """Bring ``lo`` up in a fresh network namespace (it starts down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sh22x", b"lo", 0)
        flags = struct.unpack("16sh22x", fcntl.ioctl(s.fileno(), SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(s.fileno(), SIOCSIFFLAGS, struct.pack("16sh22x", b"lo", flags | IFF_UP))


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    encode = lambda v: v.encode() if v is not None else None  # noqa: E731
    _check(_libc.mount(encode(source), encode(target), encode(fstype), flags, encode(data)), f"mount {target}")


# ---------------------------------------------------------------- masking
#
# The interpreter often lives where others cannot reach it (pyenv under /root,
# mode 0700). Instead of keeping CAP_DAC_READ_SEARCH (which opens every file of
# host root to the block), the gate, still host root in the host's namespaces,
# enters a private mount namespace and covers such a directory with a tmpfs
# that holds only the subtrees the unit needs (``/root/.pyenv``), bound back in
# place. The unit's own namespaces are then created from that view: the rest
# of /root does not exist for the block, and no capability is kept.

UNMASKABLE = {"/", "/proc", "/sys", "/dev", "/dev/shm", "/tmp", "/var/tmp", "/etc", "/usr"}


def mask_plan(paths: list[str]) -> list[list] | None:
    """``[[blocking directory, [subtrees to keep]], ...]`` for ``paths`` (``[]``: none
    needed), or None when a path is blocked in a way masking cannot fix (two
    blocking ancestors, or a system directory)."""
    plan: dict[str, set[str]] = {}
    for path in paths:
        if not path or not os.path.exists(path):
            continue
        real = os.path.realpath(path)
        parts = real.strip("/").split("/")
        ancestors = ["/" + "/".join(parts[:i]) for i in range(len(parts))]  # "/", "/a", ..., parent
        blocked = [a for a in ancestors if not os.stat(a).st_mode & 0o001]
        if not blocked:
            continue
        if len(blocked) > 1 or blocked[0] in UNMASKABLE:
            return None
        top = blocked[0]
        plan.setdefault(top, set()).add(os.path.join(top, real[len(top) + 1 :].split("/")[0]))
    tops = sorted(plan)
    if any(b.startswith(a + "/") for a in tops for b in tops):
        return None
    return [[top, sorted(plan[top])] for top in tops]


def apply_masks(plan: list[list], aside_root: str, asides: list[str]) -> None:
    """Cover each blocking directory with a tmpfs showing only its kept subtrees.

    Runs as host root in a fresh private mount namespace. ``aside_root`` is a
    directory of ours outside every masked one; the mount points made there
    are appended to ``asides`` for the caller to remove."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing of this may reach the host
    for top, kept in plan:
        if top in UNMASKABLE or (aside_root + "/").startswith(top + "/"):
            raise SetupError(f"não é possível mascarar {top}")
        moved = []
        for path in kept:
            if os.path.dirname(path) != top:
                raise SetupError(f"{path} não está diretamente em {top}")
            aside = os.path.join(aside_root, f"mascara-{len(asides)}")
            directory = os.path.isdir(path)
            _make_point(aside, directory, 0o700)
            asides.append(aside)
            mount(path, aside, None, MS_BIND | MS_REC)
            moved.append((path, aside, directory))
        mount("tmpfs", top, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=64k,nr_inodes=64")
        for path, aside, directory in moved:
            _make_point(path, directory, 0o755)
            mount(aside, path, None, MS_MOVE)


def _make_point(path: str, directory: bool, mode: int) -> None:
    if directory:
        os.mkdir(path, mode)
    else:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))


def enter_masks(plan: list[list], aside_root: str, request: dict | None = None) -> str:
    """Enter a private mount namespace with ``plan`` applied and, for a unit
    (``request``), its run folders bound: ``""``. If that cannot be done, stay
    in (or return to) the original namespace: the reason."""
    original = os.open("/proc/self/ns/mnt", os.O_RDONLY)
    asides: list[str] = []
    try:
        unshare(CLONE_NEWNS)
        try:
            try:
                apply_masks(plan, aside_root, asides)
            finally:
                _remove(asides)  # before /tmp is covered (the run folder usually lives there)
            if request is not None:
                # Here, as host root: inside the unit, without host root mapped, the
                # run folder may be out of reach (e.g. under a 0700 pytest-of-root).
                bind_run_dirs(request, host_root=True)
        except (OSError, SetupError) as exc:
            _check(_libc.setns(original, CLONE_NEWNS), "setns")  # the half-made namespace is dropped
            return str(exc)
        return ""
    except (OSError, SetupError) as exc:
        return str(exc)
    finally:
        os.close(original)
        _remove(asides)


def _remove(asides: list[str]) -> None:
    """Remove the aside mount points (no longer mount points: moved away, or dropped
    with a half-made namespace)."""
    while asides:
        aside = asides.pop()
        try:
            os.rmdir(aside) if os.path.isdir(aside) else os.unlink(aside)
        except OSError:
            pass


def drop_privileges(keep_read_search: bool) -> None:
    """Keep at most CAP_DAC_READ_SEARCH, in every set, for good."""
    drop_bounding(keep_read_search)
    keep_only(keep_read_search, ambient=False)


def drop_bounding(keep_read_search: bool) -> None:
    """Empty the bounding set but for CAP_DAC_READ_SEARCH if asked (needs CAP_SETPCAP: first)."""
    with open("/proc/sys/kernel/cap_last_cap") as f:
        last = int(f.read())
    for cap in range(last + 1):
        if cap != CAP_DAC_READ_SEARCH or not keep_read_search:
            prctl(PR_CAPBSET_DROP, cap)


def keep_only(keep_read_search: bool, ambient: bool) -> None:
    """Permitted, effective and inheritable sets: CAP_DAC_READ_SEARCH or nothing
    (``ambient``: the capability also survives exec by a uid that is not 0, as a
    block's ``python`` subprocess needs); then no new privileges, ever."""
    keep = {CAP_DAC_READ_SEARCH} if keep_read_search else set()
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    for cap in keep:
        bit = 1 << (cap % 32)
        data[cap // 32].effective |= bit
        data[cap // 32].permitted |= bit
        data[cap // 32].inheritable |= bit
    _check(_libc.capset(ctypes.byref(header), data), "capset")
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    if ambient:
        for cap in keep:
            _check(_libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0), "prctl(ambient)")
    prctl(PR_SET_NO_NEW_PRIVS, 1)


def become_nobody(keep_read_search: bool) -> None:
    """Without namespaces, a build run as root: the block runs as ``nobody`` with no
    capability but, when the interpreter sits where ``nobody`` cannot read
    (/root at 0700), CAP_DAC_READ_SEARCH, which Landlock then confines to the
    interpreter and the world-readable part of the system."""
    drop_bounding(keep_read_search)
    prctl(PR_SET_KEEPCAPS, 1)
    os.setgroups([])
    os.setresgid(NOBODY, NOBODY, NOBODY)
    os.setresuid(NOBODY, NOBODY, NOBODY)
    prctl(PR_SET_KEEPCAPS, 0)
    keep_only(keep_read_search, ambient=True)


def apply_rlimits(limits: dict[str, list[int]]) -> None:
    for name, (soft, hard) in limits.items():
        resource.setrlimit(getattr(resource, name), (soft, hard))


def namespace_flags(request: dict) -> int:
    flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS
    if request["network"]:
        flags |= CLONE_NEWNET
    return flags


def enter_filesystem(request: dict, host_mounts: list[str] | None = None) -> list[str]:
    """Private mounts, our own /proc, the run directory as /tmp. Returns notes."""
    notes = []
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    try:
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except SetupError as exc:  # e.g. a container that masks parts of /proc
        notes.append(f"/proc do hospedeiro visível ({exc})")
    if not request.get("run_dirs_bound"):
        bind_run_dirs(request)
    masked = [path for top, kept in request.get("mask") or [] for path in [top, *kept]]
    points = host_mounts + masked if host_mounts is not None else mount_points()
    notes += read_only_elsewhere(points, UNIT_WRITABLE + KERNEL_FILESYSTEMS)
    return notes


UNIT_WRITABLE = ["/tmp", "/var/tmp", "/dev/shm", "/run"]
"""With namespaces, the unit's own folders (see bind_run_dirs): the only writable mounts."""
KERNEL_FILESYSTEMS = ["/proc", "/sys", "/dev"]
"""Left as they are: no file of the build lives there, their files belong to root (or,
for a delegated cgroup, only describe the unit), and remounting the dozen cgroup
mounts of a typical host would double the cost of the remounts."""

# statvfs flags -> mount flags that a remount must repeat (locked in a child user namespace)
_KEPT_FLAGS = ((2, MS_NOSUID), (4, MS_NODEV), (8, MS_NOEXEC), (1024, MS_NOATIME), (2048, MS_NODIRATIME),
               (4096, MS_RELATIME))


def mount_points() -> list[str]:
    """This process's mount points (reading mountinfo costs ~1 ms: the fork server does it once)."""
    with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as f:
        return [_unescape(line.split()[4]) for line in f if len(line.split()) > 4]


def read_only_elsewhere(points: list[str], writable: list[str]) -> list[str]:
    """Remount read-only every mount of ``points`` but ``writable`` (and what is below them).

    Landlock keeps a block from opening the build's files for writing, not from
    changing their metadata: a block whose uid owns them (a build not run as
    root) could still chmod ~/.ssh/id_ed25519 to 0644 or set xattrs. A read-only
    mount refuses all of that (EROFS); devices and sockets still open. Returns
    notes for the mounts that refused (Landlock still guards their contents)."""
    notes = []
    for point in dict.fromkeys(points):
        if any(point == w or point.startswith(w.rstrip("/") + "/") for w in writable):
            continue
        try:
            info = os.statvfs(point)
        except OSError:
            continue  # covered by a later mount, or gone
        if info.f_flag & 1:  # ST_RDONLY
            continue
        flags = MS_BIND | MS_REMOUNT | MS_RDONLY
        for st_flag, ms_flag in _KEPT_FLAGS:
            if info.f_flag & st_flag:
                flags |= ms_flag
        if _libc.mount(None, point.encode("utf-8", "surrogateescape"), None, flags, None) != 0:
            notes.append(f"{point} continua gravável no nível da montagem: {os.strerror(ctypes.get_errno())}")
    return notes


def _unescape(field: str) -> str:
    """Mount points in /proc/self/mountinfo escape space, tab, newline and backslash in octal."""
    if "\\" not in field:
        return field
    import re

    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def bind_run_dirs(request: dict, host_root: bool = False) -> None:
    """The unit's writable folders as /tmp (and /var/tmp), /dev/shm and /run.

    They live on one tmpfs mounted over the run root in the unit's own mount
    namespace, sized by the unit's quota (bytes and inodes): a block that fills
    it gets ENOSPC, nothing reaches the host's disk, nothing outlives the unit
    (a mode-000 folder included), and /run (so /run/lock and the host's sockets
    under /run) is the unit's own, empty."""
    quota = request.get("quota")
    if quota:
        root = os.path.dirname(request["workdir"])
        mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV,
              f"size={quota['bytes']},nr_inodes={quota['inodes'] + 8},mode=0711")
        owner = request.get("owner") if host_root else None  # inside the unit, mkdir gives its own uid
        for directory in (request["workdir"], request["shmdir"], request["rundir"]):
            os.mkdir(directory, 0o700)
            if owner is not None:
                os.chown(directory, owner, owner)
        lock = os.path.join(request["rundir"], "lock")
        os.mkdir(lock)
        os.chmod(lock, 0o1777)
        if owner is not None:
            os.chown(lock, owner, owner)
    # /tmp last: the sources usually live under the host's /tmp, hidden once it is covered
    dirs = [("/dev/shm", request["shmdir"]), ("/var/tmp", request["workdir"]), ("/tmp", request["workdir"])]
    if request.get("rundir") and os.path.isdir(request["rundir"]):
        dirs.insert(0, ("/run", request["rundir"]))
    for target, source in dirs:
        if os.path.isdir(target):
            mount(source, target, None, MS_BIND | MS_REC)


# ---------------------------------------------------------------- landlock
#
# Namespaces hide the host's processes and network; they do not keep a block
# from the build's files when the sandbox's uid is the builder's own (a build
# not run as root), and there are none with namespaces="off". Landlock (an
# unprivileged LSM, Linux 5.13+) does, in every mode: the worker restricts
# itself, before any block runs, to reading the system and the interpreter and
# writing only its run folders. The project, the cache, the site output and
# $HOME are then out of reach (EACCES), whoever owns them. From ABI 6 it also
# keeps signals and abstract unix sockets inside the unit (a block can neither
# kill the builder nor talk to a host daemon's abstract socket). Connecting to
# a unix socket that is a file is not a Landlock right (up to ABI 7): in
# namespace mode the unit's /tmp, /var/tmp, /dev/shm and /run are its own, so
# the usual places of such sockets are empty.

LL_EXECUTE, LL_WRITE_FILE, LL_READ_FILE, LL_READ_DIR = 1, 2, 4, 8
LL_TRUNCATE, LL_IOCTL_DEV = 1 << 14, 1 << 15
LL_FILE_ONLY = LL_EXECUTE | LL_WRITE_FILE | LL_READ_FILE | LL_TRUNCATE | LL_IOCTL_DEV  # what a file rule may hold
LL_READ = LL_EXECUTE | LL_READ_FILE | LL_READ_DIR
LL_SCOPE_ABSTRACT_UNIX_SOCKET, LL_SCOPE_SIGNAL = 1, 2
LL_CREATE_RULESET_VERSION = 1
LL_RULE_PATH_BENEATH = 1
# landlock_create_ruleset, landlock_add_rule, landlock_restrict_self: the same
# numbers on every architecture (allocated after the syscall tables were unified)
LL_SYSCALLS = (444, 445, 446)
SYSTEM_READ = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/proc", "/sys"]
DEVICES = ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"]
"""The devices a block may open (read and write); /dev itself can only be listed."""


PER_UNIT = {"/proc"}
"""Opened by each unit: with namespaces its /proc is a procfs of its own, not the inode the fork server sees."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1  # struct landlock_path_beneath_attr is packed
    _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_libc.syscall.restype = ctypes.c_long


def landlock_abi() -> int:
    """The Landlock ABI of this kernel, 0 when it has none (or it is disabled)."""
    abi = _libc.syscall(ctypes.c_long(LL_SYSCALLS[0]), None, ctypes.c_size_t(0),
                        ctypes.c_uint32(LL_CREATE_RULESET_VERSION))
    return max(abi, 0)


def landlock_rights(abi: int) -> int:
    """Every filesystem right this ABI knows: all of them are handled (denied unless a rule grants them)."""
    rights = (1 << 13) - 1  # ABI 1: execute ... make_sym
    if abi >= 2:
        rights |= 1 << 13  # refer (ABI 1 never allows moving a file to another folder)
    if abi >= 3:
        rights |= LL_TRUNCATE
    if abi >= 5:
        rights |= LL_IOCTL_DEV
    return rights  # ABI 4 adds only network rights, 6 scopes, 7 audit flags


def landlock_scopes(abi: int) -> int:
    return LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL if abi >= 6 else 0


def read_paths(node: str | None = None) -> list[str]:
    """What a block may read: the system, the interpreter (with its site-packages), Node."""
    import sysconfig

    paths = SYSTEM_READ + [sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))]
    paths += list(sysconfig.get_paths().values())
    paths += [p for p in sys.path if p and ("site-packages" in p or "dist-packages" in p)]
    for path in list(paths):
        if "/.pyenv/" in path:  # pyenv's shims and version files, as ``python`` on PATH needs them
            paths.append(path[: path.index("/.pyenv/") + len("/.pyenv")])
    if node:
        real = os.path.realpath(node)
        paths += [real, os.path.dirname(os.path.dirname(real))]  # e.g. ~/.nvm/versions/node/vX (bin, lib)
    return list(dict.fromkeys(p for p in paths if p and os.path.isabs(p)))


def world_readable_parts(top: str, budget: int = 20000) -> tuple[list[str], list[str]]:
    """``(readable, listable)``: paths whose trees together hold exactly what any
    user may read under ``top``, and the folders above them that may be listed.

    For a unit that keeps CAP_DAC_READ_SEARCH: a rule on all of /etc would let
    the capability open /etc/shadow or the SSH host keys. ``budget`` bounds the
    walk (an unusual tree is then only listable)."""
    readable: list[str] = []
    listable: list[str] = []
    seen = 0

    def whole(path: str) -> bool:
        nonlocal seen
        seen += 1
        try:
            info = os.lstat(path)
        except OSError:
            return False
        if stat_is_link(info.st_mode):
            return True  # resolved elsewhere, where the rules of its target apply
        if not stat_is_dir(info.st_mode):
            return bool(info.st_mode & 0o004)
        if info.st_mode & 0o005 != 0o005 or seen > budget:
            return False
        try:
            children = sorted(os.listdir(path))
        except OSError:
            return False
        verdicts = [(os.path.join(path, c), whole(os.path.join(path, c))) for c in children]
        if all(ok for _child, ok in verdicts):
            return True
        listable.append(path)
        readable.extend(child for child, ok in verdicts if ok)
        return False

    if whole(top):
        readable.append(top)
    return readable, listable


def stat_is_dir(mode: int) -> bool:
    return mode & 0o170000 == 0o040000


def stat_is_link(mode: int) -> bool:
    return mode & 0o170000 == 0o120000


def landlock_plan(config: dict, keep_read_search: bool) -> list[tuple[int, str, bool, str]]:
    """What ``apply_landlock`` grants besides the unit's folders, opened (see
    ``open_plan``); computed once per fork server."""
    key = "landlock_confined" if keep_read_search else "landlock_read"
    if key not in config:
        plan = [(path, "read") for path in read_paths(config.get("node"))]
        if keep_read_search:  # the capability must not open what DAC keeps from others
            plan = [(path, kind) for path, kind in plan if path not in ("/etc", "/sys")]
            readable, listable = world_readable_parts("/etc")
            plan += [(p, "read") for p in readable] + [(p, "list") for p in listable]
            plan += [(p, "read") for p in ("/sys/fs/cgroup", "/sys/devices/system/cpu")]
        config[key] = open_plan(plan + [("/dev", "list")])
    return config[key]


def open_plan(plan: list[tuple[str, str]]) -> list[tuple[int, str, bool, str]]:
    """``plan`` (and the devices) as ``(O_PATH fd, kind, is folder, path)``, opened
    once in the fork server: a unit then only adds the rules (~1 ms less per unit)."""
    opened = []
    for path, kind in plan + [(path, "write") for path in DEVICES]:
        if path in PER_UNIT:
            continue
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            continue  # absent here (e.g. /lib32)
        opened.append((fd, kind, stat_is_dir(os.fstat(fd).st_mode), path))
    return opened


def apply_landlock(opened: list[tuple[int, str, bool, str]], writable: list[str]) -> int:
    """Restrict this process and its descendants to ``opened`` (see ``open_plan``)
    and to writing ``writable``; returns the ABI used (0: none)."""
    abi = landlock_abi()
    if abi < 1:
        return 0
    rights = landlock_rights(abi)
    scopes = landlock_scopes(abi)
    attr = _RulesetAttr(rights, 0, scopes)
    size = ctypes.sizeof(_RulesetAttr) if scopes else 8  # older kernels know only the first field
    ruleset = _libc.syscall(ctypes.c_long(LL_SYSCALLS[0]), ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        raise SetupError(f"landlock_create_ruleset: {os.strerror(ctypes.get_errno())}")
    allowed = {"read": LL_READ, "list": LL_READ_DIR, "write": rights}
    unit_fds = []
    try:
        rules = list(opened)
        for path, kind in [(p, "read") for p in sorted(PER_UNIT)] + [(p, "write") for p in writable]:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            unit_fds.append(fd)
            rules.append((fd, kind, stat_is_dir(os.fstat(fd).st_mode), path))
        for fd, kind, is_dir, path in rules:
            access = allowed[kind] if is_dir else allowed[kind] & LL_FILE_ONLY
            if not access:
                continue
            rule = _PathBeneath(access, fd)
            if _libc.syscall(ctypes.c_long(LL_SYSCALLS[1]), ctypes.c_int(ruleset), ctypes.c_int(LL_RULE_PATH_BENEATH),
                             ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
                raise SetupError(f"landlock_add_rule {path}: {os.strerror(ctypes.get_errno())}")
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        if _libc.syscall(ctypes.c_long(LL_SYSCALLS[2]), ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            raise SetupError(f"landlock_restrict_self: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(ruleset)
        for fd in unit_fds:
            os.close(fd)
    return abi


# ---------------------------------------------------------------- fork server


def serve(config: dict, server: socket.socket, worker) -> None:
    """Fork one gate per request until the builder closes the socket."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the gates
    while True:
        try:
            data, fds, _flags, _addr = socket.recv_fds(server, MAX_MESSAGE, 1)
        except InterruptedError:
            continue
        if not data:
            return
        request = json.loads(data)
        ctl = socket.socket(fileno=fds[0])
        try:
            start_unit(config, request, ctl, server, worker)
        except Exception as exc:  # noqa: BLE001 - report, keep serving
            send(ctl, {"event": "setup-error", "message": f"fork server: {exc!r}"})
        finally:
            ctl.close()


def start_unit(config: dict, request: dict, ctl: socket.socket, server: socket.socket, worker) -> None:
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready_r)
        os.close(go_w)
        server.close()
        code = 70
        try:
            if request["namespaces"]:
                gate_isolated(config, request, ctl, ready_w, go_r, worker)
            else:
                os.close(ready_w)
                os.close(go_r)
                gate_plain(config, request, ctl, worker)
            code = 0
        except BaseException as exc:  # noqa: BLE001
            send(ctl, {"event": "setup-error", "message": f"{exc}", "detail": traceback.format_exc()})
        finally:
            os._exit(code)
    os.close(ready_w)
    os.close(go_r)
    try:
        if request["namespaces"]:
            status = os.read(ready_r, 1)
            if status in (b"1", b"2"):  # b"2": the gate could not mask, it keeps the capability
                write_id_maps(pid, request["id_map"] if status == b"1" else request["fallback_id_map"])
                os.write(go_w, b"g")
    finally:
        os.close(ready_r)
        os.close(go_w)


def gate_isolated(config: dict, request: dict, ctl: socket.socket, ready_w: int, go_r: int, worker) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    status = b"1"
    if request.get("mask"):
        problem = enter_masks(request["mask"], os.path.dirname(request["workdir"]), request)
        if problem:
            send(ctl, {"event": "note", "notes": [f"mascaramento falhou, CAP_DAC_READ_SEARCH mantida: {problem}"]})
            request = request | {"keep_read_search": True}
            status = b"2"
        else:
            request = request | {"run_dirs_bound": True}
    try:
        unshare(namespace_flags(request))
    except SetupError:
        os.write(ready_w, b"0")
        raise
    # The fork server writes our uid map in /proc/PID: a builder that is not root
    # can only do so while we are dumpable (joining the user namespace made us not).
    # No block runs yet, and none ever sees this pid (it is outside the unit's
    # pid namespace).
    prctl(PR_SET_DUMPABLE, 1)
    os.write(ready_w, status)
    os.close(ready_w)
    go = os.read(go_r, 1)
    prctl(PR_SET_DUMPABLE, 0)
    if go != b"g":
        raise SetupError("o servidor de processos não escreveu o mapa de usuários")
    os.close(go_r)
    theirs, work = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:
        theirs.close()
        try:
            init_isolated(config, request, ctl, work, worker)
        except BaseException as exc:  # noqa: BLE001
            send(ctl, {"event": "setup-error", "message": f"{exc}", "detail": traceback.format_exc()})
        os._exit(70)
    work.close()
    send_started(ctl, pid, theirs, isolated=True)
    _, status = os.waitpid(pid, 0)
    send(ctl, {"event": "sandbox-exit", "status": os.waitstatus_to_exitcode(status)})


def send_started(ctl: socket.socket, pid: int, theirs: socket.socket, isolated: bool) -> None:
    """Hand the builder a pidfd of ``pid`` (the one process it may kill) and the
    worker's socket, both before any block code runs."""
    pidfd = os.pidfd_open(pid)
    try:
        socket.send_fds(ctl, [json.dumps({"event": "started", "pid": pid, "isolated": isolated}).encode()],
                        [pidfd, theirs.fileno()])
    except OSError:
        pass
    finally:
        os.close(pidfd)
        theirs.close()


def init_isolated(config: dict, request: dict, ctl: socket.socket, work: socket.socket, worker_module) -> None:
    """Pid 1 of the unit: set the stage, start the worker, reap until it ends."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    os.setsid()  # so that kill(0, ...) from a block stays inside the unit
    os.setresgid(0, 0, 0)
    os.setresuid(0, 0, 0)
    if request["network"]:
        loopback_up()
    notes = enter_filesystem(request, config.get("host_mounts"))
    _libc.sethostname(b"exemplo", 7)
    os.chdir("/tmp")
    drop_privileges(request["keep_read_search"])
    apply_rlimits(request["rlimits"])
    if notes:
        send(ctl, {"event": "note", "notes": notes})
    prctl(PR_SET_DUMPABLE, 0)  # the worker (same uid) must not reach ctl through /proc/1/fd
    worker = os.fork()
    if worker == 0:
        run_worker(config, request, ctl, work, worker_module, cwd="/tmp")
    work.close()
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(0)
        if pid == worker:
            send(ctl, {"event": "worker-exit", "status": os.waitstatus_to_exitcode(status)})
            os._exit(0)  # the kernel now kills everything left in the namespace


def gate_plain(config: dict, request: dict, ctl: socket.socket, worker_module) -> None:
    """No namespaces: a subreaper that tracks, limits and finally kills the unit's tree."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    prctl(PR_SET_DUMPABLE, 0)
    theirs, work = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    worker = os.fork()
    if worker == 0:
        theirs.close()
        os.setsid()
        os.chdir(request["workdir"])
        if os.geteuid() == 0:  # a build run as root: the block must not be root
            request = request | {"keep_read_search": bool(config.get("plain_read_search"))}
            become_nobody(request["keep_read_search"])
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # after the uid change, which clears it
        apply_rlimits(request["rlimits"])
        run_worker(config, request, ctl, work, worker_module, cwd=request["workdir"])
    work.close()
    send_started(ctl, worker, theirs, isolated=False)
    me = os.getpid()
    limit = request["max_processes"]
    quota = request.get("quota_plain")
    next_disk_check = 0.0
    exited = os.pidfd_open(worker)
    status = None
    while status is None:
        select.select([exited], [], [], 0.02)  # wakes as soon as the worker ends
        status = _reap(worker)  # orphans are re-parented to us: reap them, and spot the worker
        if status is None and len(descendants(me)) > limit:
            send(ctl, {"event": "process-limit", "limit": limit})
            status = kill_tree(me, worker)
        if status is None and quota and time.monotonic() >= next_disk_check:
            next_disk_check = time.monotonic() + DISK_CHECK_INTERVAL
            used, inodes = disk_usage([request["workdir"], request["shmdir"]], quota["inodes"])
            if used > quota["bytes"] or inodes > quota["inodes"]:
                send(ctl, {"event": "disk-limit", "bytes": used, "inodes": inodes})
                status = kill_tree(me, worker)
    send(ctl, {"event": "worker-exit", "status": status})
    kill_tree(me)
    send(ctl, {"event": "sandbox-exit", "status": 0})


DISK_CHECK_INTERVAL = 0.1


def disk_usage(paths: list[str], max_inodes: int) -> tuple[int, int]:
    """Bytes allocated and entries under ``paths``; stops counting past ``max_inodes``.

    Without namespaces the unit's folders are on the host's disk: the gate
    measures them while the block runs. A folder its owner closed (mode 000)
    is opened again first (we own it, or we are root)."""
    used = inodes = 0
    todo = list(paths)
    while todo and inodes <= max_inodes:
        path = todo.pop()
        try:
            entries = list(os.scandir(path))
        except PermissionError:
            if os.geteuid() == 0:  # root reads any folder; chmod could follow a symlink swapped in
                continue
            try:
                os.chmod(path, 0o700)  # as the block's own uid: at worst opens a folder of that uid to itself
                entries = list(os.scandir(path))
            except OSError:
                continue
        except OSError:
            continue
        for entry in entries:
            inodes += 1
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            used += info.st_blocks * 512
            if stat_is_dir(info.st_mode):
                todo.append(entry.path)
    return used, inodes


def _reap(worker: int | None = None) -> int | None:
    """Reap every finished child; the worker's exit code if it was one of them."""
    found = None
    while True:
        try:
            pid, raw = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return found
        if pid == 0:
            return found
        if pid == worker:
            found = os.waitstatus_to_exitcode(raw)


def descendants(root: int) -> list[int]:
    """Pids whose ancestry leads to ``root``, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_tree(root: int, worker: int | None = None) -> int | None:
    """SIGKILL every descendant of ``root``; the worker's exit code if it was reaped here."""
    status = None
    for _ in range(200):
        pids = descendants(root)
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        reaped = _reap(worker)
        status = reaped if reaped is not None else status
        time.sleep(0.005)
    return status


# ---------------------------------------------------------------- worker


def run_worker(config: dict, request: dict, ctl: socket.socket, work: socket.socket, worker, cwd: str) -> None:
    """Become the worker: only its own socket (``work``) and /dev/null stay open;
    the trusted ``ctl`` is closed before any block code runs."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    ctl.close()
    if request["namespaces"]:  # the unit's own folders (see bind_run_dirs)
        writable = [cwd, "/var/tmp", "/dev/shm"] + (["/run"] if request.get("rundir") else [])
    else:  # the host's /dev/shm: POSIX semaphores and shared memory live there
        writable = [cwd, request["shmdir"], "/dev/shm"]
    apply_landlock(landlock_plan(config, request["keep_read_search"]), writable)  # before its fds are closed
    keep = sorted({work.fileno(), devnull})
    os.closerange(3, keep[0])
    os.closerange(keep[0] + 1, keep[1])
    os.closerange(keep[1] + 1, 1 << 16)
    os.set_inheritable(work.fileno(), False)
    os.environ.clear()
    os.environ.update(request["env"])
    prctl(PR_SET_DUMPABLE, 1)  # like any program (init and the gate stay undumpable)
    try:
        worker.serve(work, devnull=devnull, cwd=cwd, node=config.get("node"), node_runner=config["node_runner"])
    except BaseException:  # noqa: BLE001
        send(work, {"event": "internal-error", "message": traceback.format_exc()[-4000:]})
    os._exit(0)


def preload(modules) -> None:
    """Import standard modules once here, so every forked unit finds them loaded.

    Lessons import asyncio (~27 ms), http.server, sqlite3... in nearly every
    block; paying that once per build instead of once per block saves ~10% on
    light blocks. Only import side effects are shared: each unit is a fresh
    fork of this state (``random`` reseeds itself after a fork).
    """
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing optional module only loses the head start
            pass


def _load_worker(path: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location("_themelion_worker", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["_themelion_worker"] = module
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- probe


def probe(config: dict) -> dict:
    """What this machine allows: namespaces, network namespace, private /proc,
    and whether the interpreter is readable without CAP_DAC_READ_SEARCH."""
    result = {"namespaces": False, "network": False, "proc": False, "needs_read_search": False, "detail": "",
              "masked": []}
    for network in (True, False):
        outcome = _probe_once(config, network)
        if outcome.get("ok"):
            result.update(namespaces=True, network=network, proc=outcome["proc"],
                          needs_read_search=outcome["needs_read_search"], detail="")
            if outcome["needs_read_search"] and os.geteuid() == 0 and config.get("masked_id_map"):
                result.update(_probe_masking(config, network, outcome["proc"]))
            return result
        result["detail"] = outcome.get("error", "")
    return result


def _probe_masking(config: dict, network: bool, proc: bool) -> dict:
    """Whether masking the blocking directories makes the interpreter readable
    without the capability, checked in a unit set up as the real ones will be."""
    plan = mask_plan(_interpreter_paths() + config["must_read"])
    if not plan:
        return {"detail": "mascaramento não se aplica"}
    outcome = _probe_once(config, network, plan)
    if outcome.get("ok") and outcome["proc"] == proc and not outcome["needs_read_search"] and outcome["hidden"]:
        return {"needs_read_search": False, "masked": plan}
    return {"detail": f"mascaramento não funcionou: {outcome.get('error') or outcome}"}


def _probe_once(config: dict, network: bool, plan: list[list] | None = None) -> dict:
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    out_r, out_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready_r)
        os.close(go_w)
        os.close(out_r)
        report = {"ok": False}
        try:
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            must_read = _access_modes(_interpreter_paths() + config["must_read"])  # while still visible
            problem = ""
            if plan:
                import tempfile

                aside_root = tempfile.mkdtemp(prefix="themelion-sonda-")
                try:
                    problem = enter_masks(plan, aside_root)
                finally:
                    os.rmdir(aside_root)
                problem = problem and f"mascaramento: {problem}"
            if not problem:
                try:
                    unshare(namespace_flags({"network": network}))
                except SetupError as exc:
                    problem = str(exc)
            os.write(ready_w, b"0" if problem else b"1")
            if problem:
                report["error"] = problem
            elif os.read(go_r, 1) == b"g":
                report = _probe_inside(config, network, must_read, plan or [])
        except BaseException as exc:  # noqa: BLE001
            report = {"ok": False, "error": repr(exc)}
        os.write(out_w, json.dumps(report).encode())
        os._exit(0)
    os.close(ready_w)
    os.close(go_r)
    os.close(out_w)
    if os.read(ready_r, 1) == b"1":
        try:
            write_id_maps(pid, config["masked_id_map"] if plan else config["probe_id_map"])
            os.write(go_w, b"g")
        except OSError as exc:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return {"ok": False, "error": f"uid_map: {exc}"}
    os.close(go_w)
    chunks = []
    while chunk := os.read(out_r, 65536):
        chunks.append(chunk)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks) or b'{"ok": false, "error": "probe died"}')


def _probe_inside(config: dict, network: bool, must_read: list[tuple[str, int]], plan: list[list]) -> dict:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        report = {"ok": False}
        try:
            os.setresgid(0, 0, 0)
            os.setresuid(0, 0, 0)
            if network:
                loopback_up()
                with socket.socket() as server, socket.socket() as client:
                    server.bind(("127.0.0.1", 0))
                    server.listen(1)
                    client.connect(server.getsockname())
            proc = True
            mount(None, "/", None, MS_REC | MS_PRIVATE)
            try:
                mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
            except SetupError:
                proc = False
            drop_privileges(False)
            # a masked directory must show nothing but what was kept
            hidden = all(sorted(os.listdir(top)) == sorted(os.path.basename(k) for k in kept) for top, kept in plan)
            report = {"ok": True, "proc": proc, "needs_read_search": not _readable(must_read), "hidden": hidden}
        except BaseException as exc:  # noqa: BLE001
            report = {"ok": False, "error": repr(exc)}
        os.write(w, json.dumps(report).encode())
        os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.waitpid(pid, 0)
    return json.loads(data or b'{"ok": false, "error": "probe init died"}')


def _interpreter_paths() -> list[str]:
    import sysconfig

    paths = sysconfig.get_paths()
    return [os.path.realpath(sys.executable), os.__file__, paths["stdlib"], paths["purelib"], paths["platlib"]]


def _access_modes(paths: list[str]) -> list[tuple[str, int]]:
    """Existing paths and the access a block needs to them (checked later, unprivileged)."""
    found = []
    for path in paths:
        if os.path.isdir(path):
            found.append((path, os.R_OK | os.X_OK))
        elif os.path.exists(path):
            found.append((path, os.R_OK))
    return found


def _readable(paths: list[tuple[str, int]]) -> bool:
    return all(os.access(path, mode) for path, mode in paths)


def nobody_can_read(paths: list[str]) -> bool:
    """Whether ``nobody`` reaches ``paths`` (asked in a child that becomes nobody)."""
    modes = _access_modes(paths)
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setresgid(NOBODY, NOBODY, NOBODY)
            os.setresuid(NOBODY, NOBODY, NOBODY)
            os._exit(0 if _readable(modes) else 1)
        except BaseException:  # noqa: BLE001
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def main() -> None:
    mode = sys.argv[1]
    config = json.loads(sys.argv[2])
    if mode == "probe":
        sys.stdout.write(json.dumps(probe(config)))
        return
    if os.geteuid() == 0:
        os.setgroups([])  # supplementary groups would survive into the sandbox
    prctl(PR_SET_DUMPABLE, 0)  # nor may a block reach the fork server's socket through /proc
    worker = _load_worker(config["worker_path"])  # now, while the file is readable
    # Likewise the Node runner: inside a unit /tmp is the unit's own folder, so a
    # checkout under /tmp is invisible there; the source travels as text instead.
    try:
        with open(config["node_runner"], encoding="utf-8") as runner:
            config["node_runner"] = runner.read()
    except OSError:
        config["node_runner"] = ""
    # What Landlock lets a unit read, once for every unit (the walk of /etc only
    # matters to a unit that keeps CAP_DAC_READ_SEARCH, which only root can give).
    landlock_plan(config, False)
    config["host_mounts"] = mount_points()  # each unit remounts them read-only (see read_only_elsewhere)
    if os.geteuid() == 0:
        config["plain_read_search"] = not nobody_can_read(_interpreter_paths() + ([config["node"]] if config.get("node") else []))
        landlock_plan(config, True)
    preload(config.get("preload", ()))
    # What is loaded now is shared by every unit: out of the collector's sight, a
    # unit's collections (the one at its exit included, see worker_child) scan only
    # its own objects (0.4 ms instead of ~20 ms) and do not copy the shared pages.
    import gc

    gc.freeze()
    server = socket.socket(fileno=int(sys.argv[3]))
    serve(config, server, worker)


if __name__ == "__main__":
    main()
