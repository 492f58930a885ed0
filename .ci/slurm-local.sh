#!/usr/bin/env bash
# Single-node Slurm cluster on localhost for CI (Debian 12 "bookworm", Slurm 22.05, root, no systemd).
# The integration test of package cluster submits real job arrays to it.
#
# Usage: slurm-local.sh install | up | down | status
#   install  apt packages (skipped when they are already installed)
#   up       write slurm.conf, start munged, slurmctld and slurmd, wait until the node is idle
#   down     cancel all jobs, let them leave the queue, stop the daemons, wipe the Slurm state
#   status   sinfo and squeue
# Env:   SLURM_NODE (default localhost)  SLURM_CPUS (default 2)  SLURM_MEM_MB (default 1024)
#        SLURM_PARTITION (default ci)    SLURM_ACCOUNTING=1 -> also MariaDB + slurmdbd so `sacct` works
#        SLURM_EXTRA_CONF: extra slurm.conf lines, e.g. 'SlurmdParameters=config_overrides'
#          (lets SLURM_CPUS exceed the real CPU count: node is not drained, CPUs are oversubscribed)
#
# Traps this script avoids (each was seen on a real machine):
#   * cgroup plugins fail in containers: proctrack/linuxproc, task/none, no cgroup.conf.
#   * /run/munge is tmpfs and not created without systemd; munged must run as user munge.
#   * CPUs above the real count put the node in INVAL and `up` never finishes (see SLURM_EXTRA_CONF).
#   * `sinfo` prints `idle*` (not responding) before slurmd registers: match `idle` exactly.
#   * stopping the daemons while jobs run leaves slurmstepd processes retrying RPCs: `down`
#     cancels, waits for an empty queue, then stops the daemons and kills stray slurmstepd.
#   * defaults delay batch jobs by up to 3 s (batch_sched_delay) and forget finished jobs after
#     300 s (MinJobAge): both are tuned below.
#   * sacct needs slurmdbd (SLURM_ACCOUNTING=1); without it sacct fails with
#     "Slurm accounting storage is disabled" and job state comes from squeue/scontrol.
set -euo pipefail

NODE="${SLURM_NODE:-localhost}"      # NodeName; slurmd is started with -N "$NODE"
CPUS="${SLURM_CPUS:-2}"              # must be <= real CPUs, else node goes INVAL/DRAIN
MEM_MB="${SLURM_MEM_MB:-1024}"       # RealMemory; must be <= what `slurmd -C` reports
PART="${SLURM_PARTITION:-ci}"
ACCT="${SLURM_ACCOUNTING:-0}"
LOGDIR=/var/log/slurm
STATE=/var/lib/slurm

install() {
  local pkgs="slurm-wlm munge" ok
  if [ "$ACCT" = 1 ]; then pkgs="$pkgs slurmdbd mariadb-server"; fi
  # skip apt when every package is already installed (a CI image may ship them)
  # shellcheck disable=SC2086
  ok=$(dpkg-query -W -f='${Status}\n' $pkgs 2>/dev/null | grep -c '^install ok installed$' || true)
  if [ "$ok" -ne "$(wc -w <<<"$pkgs")" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
  fi
  echo "slurm installed: $(dpkg-query -W -f='${Package} ${Version}\n' slurm-wlm)"
}

write_conf() {
  mkdir -p /etc/slurm "$LOGDIR" "$STATE/slurmctld" "$STATE/slurmd"
  if [ "$ACCT" = 1 ]; then
    acct="AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30"
  else
    acct="AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none"
  fi
  cat > /etc/slurm/slurm.conf <<CONF
ClusterName=ci
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$STATE/slurmctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$LOGDIR/slurmctld.log
SlurmdLogFile=$LOGDIR/slurmd.log
# no cgroups: works in containers without cgroup delegation
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
$acct
# one text line per finished job (works with or without slurmdbd)
JobCompType=jobcomp/filetxt
JobCompLoc=$LOGDIR/jobcomp.log
# keep finished jobs visible to 'scontrol show job' / 'squeue -t all' for 1 h (default 300 s)
MinJobAge=3600
SchedulerType=sched/backfill
# start jobs immediately on submit/completion (defaults delay batch jobs up to 3 s)
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MailProg=/bin/true
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=$PART Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
${SLURM_EXTRA_CONF:-}
CONF
}

start_munge() {
  mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
  # the Debian package's postinst already creates a key; create one if missing
  [ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
  chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
  chmod 0700 /etc/munge /var/lib/munge /var/log/munge; chmod 0755 /run/munge
  chmod 0600 /etc/munge/munge.key
  runuser -u munge -- /usr/sbin/munged          # daemonizes; pid in /run/munge/munged.pid
  munge -n | unmunge >/dev/null                  # sanity check
}

start_accounting() {
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  # background process; pid written by the server itself
  setsid /usr/sbin/mariadbd --user=mysql --datadir=/var/lib/mysql \
      --socket=/run/mysqld/mysqld.sock --pid-file=/run/mysqld/mysqld.pid \
      --bind-address=127.0.0.1 >"$LOGDIR/mariadb.log" 2>&1 < /dev/null &
  for _ in $(seq 1 100); do mariadb -e 'select 1' >/dev/null 2>&1 && break; sleep 0.2; done
  mariadb -e "CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'slurm';
              GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"
  cat > /etc/slurm/slurmdbd.conf <<CONF
AuthType=auth/munge
DbdHost=localhost
SlurmUser=root
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageLoc=slurm_acct_db
StorageUser=slurm
StoragePass=slurm
LogFile=$LOGDIR/slurmdbd.log
PidFile=/run/slurmdbd.pid
CONF
  chmod 0600 /etc/slurm/slurmdbd.conf            # slurmdbd refuses a world-readable file
  /usr/sbin/slurmdbd                             # daemonizes
  for _ in $(seq 1 100); do sacctmgr -n list cluster >/dev/null 2>&1 && break; sleep 0.2; done
  sacctmgr -i add cluster ci >/dev/null 2>&1 || true   # idempotent
}

running() {  # running FILE: the pid in FILE is alive
  [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

up() {
  if running /run/slurmctld.pid || running /run/slurmd.pid; then
    echo "slurm is already running (pid files in /run); run '$0 down' first" >&2
    return 1
  fi
  write_conf
  running /run/munge/munged.pid || start_munge
  if [ "$ACCT" = 1 ]; then start_accounting; fi
  # Slurm daemons daemonize themselves; -i: ignore state left by a previous run
  /usr/sbin/slurmctld -i
  /usr/sbin/slurmd -N "$NODE"
  # wait until the node is schedulable ('idle*' = not responding yet, so match exactly)
  local st=
  for _ in $(seq 1 120); do
    st=$(sinfo -h -n "$NODE" -o '%T' 2>/dev/null || true)
    case "$st" in idle|mixed|allocated) echo "slurm up: node $NODE $st"; return 0;; esac
    sleep 0.5
  done
  echo "slurm did not come up; state='$st'" >&2
  tail -n 30 "$LOGDIR/slurmctld.log" "$LOGDIR/slurmd.log" >&2
  return 1
}

stop_pidfile() {  # stop_pidfile FILE: TERM, wait up to 15 s, then KILL
  local f=$1 p
  [ -s "$f" ] || return 0
  p=$(cat "$f")
  if kill -0 "$p" 2>/dev/null; then
    kill -TERM "$p"
    for _ in $(seq 1 75); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$p" 2>/dev/null; then kill -KILL "$p" || true; fi
  fi
  rm -f "$f"
}

down() {
  if scancel --full -u root 2>/dev/null; then
    # let cancelled jobs leave the queue (state CG) while slurmd/slurmctld are still up;
    # otherwise their slurmstepd keeps retrying "job complete" RPCs and outlives teardown
    for _ in $(seq 1 60); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.5; done
  fi
  stop_pidfile /run/slurmd.pid & stop_pidfile /run/slurmctld.pid & wait
  stop_pidfile /run/slurmdbd.pid & stop_pidfile /run/mysqld/mysqld.pid & wait
  stop_pidfile /run/munge/munged.pid
  # safety net: any step daemon that is still around (only Slurm on this machine)
  for p in $(pgrep -x slurmstepd || true); do kill -KILL "$p" 2>/dev/null || true; done
  # clean state so the next 'up' starts from scratch (the accounting DB is kept)
  rm -rf "${STATE:?}/slurmctld"/* "${STATE:?}/slurmd"/*
  echo "slurm down"
}

status() { sinfo; squeue; }

case "${1:-}" in
  install|up|down|status) "$1" ;;
  *) echo "usage: $0 install|up|down|status" >&2; exit 2 ;;
esac
