#!/usr/bin/env bash
# start-slurm.sh - single-node Slurm cluster on localhost (Debian bookworm, Slurm 22.05)
# with fake (count-only) GPUs, for the test of `snakemake --profile slurm` (tests/test_slurm.py).
#
# Idempotent: installs missing packages, (re)writes the configs, starts only the
# daemons that are not running, restarts slurmctld/slurmd/slurmdbd only if their
# config changed. Must run as root. Prints the names of the daemons this run started
# (one a line, on stdout; everything else goes to stderr): `stop-slurm.sh NAME...` stops
# just those, `stop-slurm.sh` alone every daemon this script ever started.
#
# Knobs (environment variables):
#   SLURM_ACCOUNTING=slurmdbd|none  slurmdbd (default): MariaDB + slurmdbd, so `sacct`
#                                   works (the snakemake slurm plugin's default status
#                                   command). none: no accounting; then the snakemake
#                                   profile MUST set `slurm-status-command: squeue`,
#                                   or snakemake hangs forever after the first submit.
#   SLURM_NODE_CPUS=8               CPUs advertised (may exceed real cores: config_overrides)
#   SLURM_NODE_MEM_MB=8000          RealMemory advertised
#   SLURM_GPUS=2                    number of fake GPUs (0 = no GPU GRES)
#   SLURM_GPU_TYPE=testgpu          GPU type (for gpu_model=...); empty = untyped
#   SLURM_PARTITION=debug
#   SLURM_ACCOUNT=testacct          account created in slurmdbd (slurmdbd mode only)
#   SLURM_ACCT_USERS="root $SUDO_USER"  users given an association to SLURM_ACCOUNT
#   SLURM_SMOKE_TEST=1              run srun (and srun --gpus=1) at the end
set -euo pipefail

ACCOUNTING=${SLURM_ACCOUNTING:-slurmdbd}
CPUS=${SLURM_NODE_CPUS:-8}
MEM=${SLURM_NODE_MEM_MB:-8000}
NGPU=${SLURM_GPUS:-2}
GPU_TYPE=${SLURM_GPU_TYPE-testgpu}
PARTITION=${SLURM_PARTITION:-debug}
ACCOUNT=${SLURM_ACCOUNT:-testacct}
ACCT_USERS=${SLURM_ACCT_USERS:-root ${SUDO_USER:-}}
SMOKE=${SLURM_SMOKE_TEST:-1}
NODE=$(hostname -s)
CLUSTER=localcluster
RUN=/run/slurm                      # pid files + "started by this script" markers
FAKEGPU=/var/spool/slurm/fakegpu    # fake GPU device nodes
DB_PASS=slurmdbpass

# stdout (fd 3) carries only the names of the daemons started (see mark). The daemons must
# not inherit fd 3 (3>&- below), or a caller reading stdout to the end waits for ever.
exec 3>&1 1>&2
log() { echo "[start-slurm] $*" >&2; }
die() { echo "[start-slurm] ERROR: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"
case $ACCOUNTING in slurmdbd|none) ;; *) die "SLURM_ACCOUNTING must be slurmdbd or none";; esac

# running PIDFILE COMM -> true if the pid in PIDFILE is alive and is COMM
running() { local p; p=$(cat "$1" 2>/dev/null) || return 1
            [ -n "$p" ] && [ "$(cat /proc/$p/comm 2>/dev/null)" = "$2" ]; }
# mark NAME PIDFILE -> remember that this script started NAME (stop-slurm.sh reads it)
mark() { cp "$2" "$RUN/started.$1"; echo "$1" >&3; }
wait_for() { local i; for i in $(seq 1 "$1"); do eval "$2" && return 0; sleep 0.5; done; return 1; }
stop_pid() { local p; p=$(cat "$1" 2>/dev/null) || return 0
             running "$1" "$2" || return 0
             log "stopping $2 (pid $p)"; kill -TERM "$p"
             wait_for 60 "! kill -0 $p 2>/dev/null" || die "$2 (pid $p) did not stop"
             rm -f "$RUN/started.$2"; }

# ---------------------------------------------------------------- packages
PKGS="slurm-wlm munge"
if [ "$ACCOUNTING" = slurmdbd ]; then PKGS="$PKGS slurmdbd mariadb-server"; fi
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  log "apt-get install$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q $missing >/dev/null || { apt-get update -q >/dev/null; apt-get install -y -q $missing >/dev/null; }
fi
log "$(slurmctld -V)"

mkdir -p "$RUN" /var/spool/slurmctld /var/spool/slurmd /var/log/slurm "$FAKEGPU"
chown slurm:slurm "$RUN" /var/spool/slurmctld /var/log/slurm

# ---------------------------------------------------------------- munge
if [ ! -s /etc/munge/munge.key ]; then
  mungekey --create --keyfile=/etc/munge/munge.key
fi
chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key
mkdir -p /run/munge; chown munge:munge /run/munge; chmod 0755 /run/munge
if ! running /run/munge/munged.pid munged; then
  log "starting munged"
  runuser -u munge -- /usr/sbin/munged --force 3>&-
  wait_for 20 "running /run/munge/munged.pid munged" || die "munged did not start"
  mark munged /run/munge/munged.pid
fi
munge -n | unmunge >/dev/null || die "munge round trip failed"

# ---------------------------------------------------------------- configs
changed_ctl=0; changed_dbd=0
install_conf() { # install_conf TMPFILE DEST MODE OWNER -> returns 0 if DEST changed
  if [ -f "$2" ] && cmp -s "$1" "$2"; then rm -f "$1"; return 1; fi
  install -m "$3" -o "$4" -g "$4" "$1" "$2"; rm -f "$1"; return 0; }

gres_node=""; gres_type_kv=""
if [ "$NGPU" -gt 0 ]; then
  for i in $(seq 0 $((NGPU - 1))); do
    # a character device is required: gres/gpu without File= is dropped by slurmd
    # ("Removing file-less GPU"), a regular file gives "not a valid character device".
    [ -c "$FAKEGPU/gpu$i" ] || mknod -m 0666 "$FAKEGPU/gpu$i" c 1 3   # same as /dev/null
  done
  if [ -n "$GPU_TYPE" ]; then gres_node=" Gres=gpu:$GPU_TYPE:$NGPU"; gres_type_kv=" Type=$GPU_TYPE"
  else gres_node=" Gres=gpu:$NGPU"; fi
fi

if [ "$ACCOUNTING" = slurmdbd ]; then
  ACCT_CONF="JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=6819
AccountingStorageTRES=gres/gpu"
else
  # AccountingStorageTRES=gres/gpu is fatal without slurmdbd
  ACCT_CONF="JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none"
fi

t=$(mktemp)
cat > "$t" <<EOF
# generated by start-slurm.sh
ClusterName=$CLUSTER
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SlurmdParameters=config_overrides
MailProg=/bin/true
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=500
GresTypes=gpu
$ACCT_CONF
JobCompType=jobcomp/none
MinJobAge=300
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS Sockets=1 CoresPerSocket=$CPUS ThreadsPerCore=1 RealMemory=$MEM$gres_node State=UNKNOWN
PartitionName=$PARTITION Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
install_conf "$t" /etc/slurm/slurm.conf 0644 root && changed_ctl=1

t=$(mktemp)
if [ "$NGPU" -gt 0 ]; then
  echo "NodeName=$NODE Name=gpu$gres_type_kv File=$FAKEGPU/gpu[0-$((NGPU - 1))]" > "$t"
else : > "$t"; fi
install_conf "$t" /etc/slurm/gres.conf 0644 root && changed_ctl=1

if [ "$ACCOUNTING" = slurmdbd ]; then
  t=$(mktemp)
  cat > "$t" <<EOF
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=6819
SlurmUser=slurm
DebugLevel=info
LogFile=/var/log/slurm/slurmdbd.log
PidFile=$RUN/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageLoc=slurm_acct_db
StorageUser=slurm
StoragePass=$DB_PASS
StoragePort=3306
EOF
  install_conf "$t" /etc/slurm/slurmdbd.conf 0600 slurm && changed_dbd=1
fi

if [ $changed_ctl = 1 ] || [ $changed_dbd = 1 ]; then
  # config changed: restart what runs (node/gres/accounting changes need a restart)
  stop_pid "$RUN/slurmd.pid" slurmd
  stop_pid "$RUN/slurmctld.pid" slurmctld
fi
if [ $changed_dbd = 1 ]; then stop_pid "$RUN/slurmdbd.pid" slurmdbd; fi
if [ "$ACCOUNTING" = none ]; then
  stop_pid "$RUN/slurmdbd.pid" slurmdbd   # switching modes: slurmdbd not needed
fi

# ---------------------------------------------------------------- MariaDB + slurmdbd
if [ "$ACCOUNTING" = slurmdbd ]; then
  mkdir -p /run/mysqld; chown mysql:root /run/mysqld
  [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  if ! running /run/mysqld/mysqld.pid mariadbd; then
    log "starting mariadbd"
    touch /var/log/slurm/mariadb.err; chown mysql:mysql /var/log/slurm/mariadb.err
    # setsid + nohup: the server must survive the end of this script / CI step
    setsid nohup /usr/sbin/mariadbd --user=mysql --pid-file=/run/mysqld/mysqld.pid \
      --socket=/run/mysqld/mysqld.sock --bind-address=127.0.0.1 \
      --innodb-buffer-pool-size=256M --innodb-lock-wait-timeout=900 \
      --log-error=/var/log/slurm/mariadb.err </dev/null >/dev/null 2>&1 3>&- &
    wait_for 60 "mysqladmin --silent ping >/dev/null 2>&1 && running /run/mysqld/mysqld.pid mariadbd" \
      || die "mariadbd did not start (see /var/log/slurm/mariadb.err)"
    mark mariadbd /run/mysqld/mysqld.pid
  fi
  mysql -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db;
            CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$DB_PASS';
            GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost'; FLUSH PRIVILEGES;"
  if ! running "$RUN/slurmdbd.pid" slurmdbd; then
    log "starting slurmdbd"
    /usr/sbin/slurmdbd 3>&-
    wait_for 60 "running $RUN/slurmdbd.pid slurmdbd && sacctmgr -n show cluster >/dev/null 2>&1" \
      || die "slurmdbd did not start (see /var/log/slurm/slurmdbd.log)"
    mark slurmdbd "$RUN/slurmdbd.pid"
  fi
  # idempotent: sacctmgr exits 1 with "already exists"/"Nothing new added"
  sacctmgr -n -P show cluster format=cluster | grep -qx "$CLUSTER" || sacctmgr -i add cluster "$CLUSTER" >/dev/null
  sacctmgr -n -P show account format=account | grep -qx "$ACCOUNT" \
    || sacctmgr -i add account "$ACCOUNT" Cluster="$CLUSTER" Description=ci Organization=ci >/dev/null
  for u in $ACCT_USERS; do
    sacctmgr -n -P show assoc where user="$u" account="$ACCOUNT" format=user | grep -qx "$u" \
      || sacctmgr -i add user "$u" Account="$ACCOUNT" DefaultAccount="$ACCOUNT" Cluster="$CLUSTER" >/dev/null
  done
fi

# ---------------------------------------------------------------- slurmctld + slurmd
if ! running "$RUN/slurmctld.pid" slurmctld; then
  log "starting slurmctld (clean state)"
  /usr/sbin/slurmctld -c 3>&-  # -c: do not recover old jobs / node states (fresh cluster)
  wait_for 60 "running $RUN/slurmctld.pid slurmctld && scontrol ping 2>/dev/null | grep -q UP" \
    || die "slurmctld did not start (see /var/log/slurm/slurmctld.log)"
  mark slurmctld "$RUN/slurmctld.pid"
fi
if ! running "$RUN/slurmd.pid" slurmd; then
  log "starting slurmd"
  /usr/sbin/slurmd 3>&-
  wait_for 60 "running $RUN/slurmd.pid slurmd" || die "slurmd did not start (see /var/log/slurm/slurmd.log)"
  mark slurmd "$RUN/slurmd.pid"
fi

state() { sinfo -h -n "$NODE" -o %T 2>/dev/null | head -1; }
wait_for 60 '[[ "$(state)" =~ ^(idle|mixed|allocated) ]] || { [[ "$(state)" =~ drain|down ]] && scontrol update nodename=$NODE state=resume 2>/dev/null; false; }' \
  || die "node $NODE not usable: $(scontrol show node "$NODE" | grep -E 'State|Reason')"
log "cluster up: $(sinfo -h -o '%P %a %D %T %N %G')"

# ---------------------------------------------------------------- smoke test
if [ "$SMOKE" = 1 ]; then
  srun -N1 -n1 -t 1 true || die "srun failed"
  if [ "$NGPU" -gt 0 ]; then
    srun -N1 -n1 -t 1 --gpus=1 bash -c 'test -n "$CUDA_VISIBLE_DEVICES"' || die "GPU test job failed"
  fi
  if [ "$ACCOUNTING" = slurmdbd ]; then sacct -X -n >/dev/null || die "sacct failed"; fi
  log "smoke test ok"
fi
