package io.zabtx.replication.core;

import io.zabtx.replication.core.Message.LocalSynced;
import io.zabtx.replication.core.Message.Notification;
import io.zabtx.replication.core.Message.SessionMessage;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The ZAB protocol for one node as a deterministic state machine: leader election, discovery,
 * synchronization and broadcast, with crash recovery falling out of the same steps.
 *
 * <p>The core owns no thread, clock, socket, file or global randomness. Time advances only through
 * {@link #tick()}; randomness comes from the injected generator. Each call returns an {@link
 * Output} that says what to persist, what to send, and what became committed; {@link Output}
 * documents the order in which a runtime must carry it out. The same sequence of calls on a core
 * restored from the same state with the same seed yields the same outputs.
 *
 * <p>Threading: not thread-safe. All calls must come from one thread (the node's event loop). Calls
 * never block. Bad input from peers is logged and dropped; exceptions thrown from here are bugs.
 */
public final class ZabCore {

  static final System.Logger LOG = System.getLogger(ZabCore.class.getName());

  private final ZabConfig config;
  private final RandomGenerator random;
  private final HistoryLog log;
  private final Election election;

  private long acceptedEpoch;
  private long currentEpoch;
  private long commitZxid;
  private long now;
  private Role role = Role.LOOKING;
  private long leaderTerm;
  private LeaderRole leading;
  private LearnerRole learning;

  private ZabCore(ZabConfig config, DurableState state, RandomGenerator random) {
    if (state.acceptedEpoch() < state.currentEpoch()) {
      throw new IllegalArgumentException(
          "durable state is inconsistent: acceptedEpoch "
              + state.acceptedEpoch()
              + " < currentEpoch "
              + state.currentEpoch());
    }
    this.config = config;
    this.random = random;
    this.log = new HistoryLog(state.snapshot(), state.entries());
    this.acceptedEpoch = state.acceptedEpoch();
    this.currentEpoch = state.currentEpoch();
    // After a restart only what the snapshot reflects is known to be committed; the rest of the
    // log is committed (or cut) by the next leader's sync.
    this.commitZxid = state.snapshot().zxid();
    this.election = new Election(this);
  }

  /**
   * Creates a core from the node's durable state. Call {@link #start()} before anything else.
   *
   * @param config static configuration
   * @param state what storage recovered: epochs, newest snapshot, log entries after it
   * @param random the only source of randomness; seed it for reproducible runs
   */
  public static ZabCore create(ZabConfig config, DurableState state, RandomGenerator random) {
    return new ZabCore(config, state, random);
  }

  /** Starts the first election. */
  public Output start() {
    Output out = new Output();
    out.roleChange(new Output.RoleChange(Role.LOOKING, -1, -1));
    election.start(out);
    return out;
  }

  /** Handles one message from a peer (or from this node itself, see {@link LocalSynced}). */
  public Output step(Message m) {
    Output out = new Output();
    if (m.to() != config.sid() || !config.isMember(m.from())) {
      drop(m, "not addressed to this member");
      return out;
    }
    if (m instanceof Notification n) {
      onNotification(n, out);
    } else if (m instanceof LocalSynced s) {
      if (m.from() != config.sid()) {
        drop(m, "local note from another node");
      } else if (leading != null) {
        leading.onLocalSynced(s, out);
      }
    } else if (m instanceof SessionMessage s) {
      if (leading != null) {
        leading.onMessage(s, out);
      } else if (learning != null) {
        learning.onMessage(s, out);
      } else {
        drop(m, "no session while " + role);
      }
    }
    return out;
  }

  /** Advances time by one tick: timeouts, heartbeats, vote re-sends. */
  public Output tick() {
    Output out = new Output();
    now++;
    switch (role) {
      case LOOKING -> election.tick(out);
      case LEADING -> leading.tick(out);
      case FOLLOWING, OBSERVING -> learning.tick(out);
    }
    return out;
  }

  /**
   * Tells the core that the runtime's connection to {@code sid} broke (the peer may be down). A
   * learner whose leader it is gives up on that leader at once and starts an election instead of
   * waiting for the sync limit: a leader that was killed is replaced in the time an election takes.
   * A LOOKING node forgets the peer's vote or leadership report (its election explains why).
   * Anything else ignores it; a false alarm costs an election, never safety, because going back to
   * LOOKING is always allowed.
   */
  public Output peerLost(long sid) {
    Output out = new Output();
    if (learning != null && learning.leader() == sid) {
      lookAgain("lost the connection to leader " + sid, out);
    } else if (role == Role.LOOKING) {
      election.peerLost(sid, out);
    }
    return out;
  }

  /**
   * Proposes {@code data} for replication. On the established leader the output carries the new
   * zxid ({@link Output#proposedZxid()}); anywhere else, or when the leader has {@link
   * ZabConfig#maxOutstandingProposals()} uncommitted proposals, it carries -1 and nothing happens.
   */
  public Output propose(byte[] data) {
    Output out = new Output();
    if (leading != null) {
      leading.propose(data, out);
    }
    return out;
  }

  /**
   * Tells the core that the state machine was durably snapshotted at {@code snapshot.zxid()}, which
   * must be a committed zxid. The core keeps it for SNAP syncs and frees older log entries.
   */
  public void snapshotTaken(Snapshot snapshot) {
    if (snapshot.zxid() > commitZxid) {
      throw new IllegalArgumentException(
          "snapshot at "
              + Zxid.format(snapshot.zxid())
              + " is beyond the commit point "
              + Zxid.format(commitZxid));
    }
    if (snapshot.zxid() > log.snapshot().zxid()) {
      log.compact(snapshot, config.logRetainEntries());
    }
  }

  // ---- read-only views for the runtime, tests and the simulator ----

  public ZabConfig config() {
    return config;
  }

  public Role role() {
    return role;
  }

  /** The leader this node follows or is, or -1 while LOOKING. */
  public long leaderId() {
    return switch (role) {
      case LOOKING -> -1;
      case LEADING -> config.sid();
      case FOLLOWING, OBSERVING -> learning.leader();
    };
  }

  /** True when this node leads and a quorum acknowledged its NEWLEADER. */
  public boolean isEstablishedLeader() {
    return leading != null && leading.established();
  }

  public long acceptedEpoch() {
    return acceptedEpoch;
  }

  public long currentEpoch() {
    return currentEpoch;
  }

  public long lastZxid() {
    return log.lastZxid();
  }

  public long commitZxid() {
    return commitZxid;
  }

  /** The current tick count. */
  public long now() {
    return now;
  }

  /** The entries this node holds in memory, in order (a copy; for tests and diagnostics). */
  public List<Entry> entries() {
    return log.range(log.baseZxid(), log.lastZxid());
  }

  /** The newest snapshot this node holds. */
  public Snapshot snapshot() {
    return log.snapshot();
  }

  // ---- package-private plumbing shared by the roles ----

  HistoryLog log() {
    return log;
  }

  RandomGenerator random() {
    return random;
  }

  void acceptedEpoch(long epoch, Output out) {
    Check.state(epoch > acceptedEpoch, "acceptedEpoch must grow");
    acceptedEpoch = epoch;
    out.persist(new PersistOp.SetAcceptedEpoch(epoch));
  }

  void currentEpoch(long epoch, Output out) {
    Check.state(epoch <= acceptedEpoch && epoch >= currentEpoch, "currentEpoch out of order");
    currentEpoch = epoch;
    out.persist(new PersistOp.SetCurrentEpoch(epoch));
  }

  void append(Entry e, Output out) {
    log.append(e);
    out.persist(new PersistOp.Append(e));
  }

  /** Moves the commit point forward to {@code zxid} and hands the newly committed entries out. */
  void commitTo(long zxid, Output out) {
    if (zxid <= commitZxid) {
      return;
    }
    Check.state(zxid <= log.lastZxid(), "commit beyond the log");
    for (Entry e : log.range(commitZxid, zxid)) {
      out.committed(e);
    }
    commitZxid = zxid;
  }

  /** Resets the commit point after a SNAP replaced the history. */
  void restoreCommit(Snapshot s, Output out) {
    commitZxid = s.zxid();
    out.restore(s);
  }

  /** Ends any role and starts a new election. */
  void lookAgain(String why, Output out) {
    LOG.log(Level.DEBUG, "server {0}: {1} -> LOOKING: {2}", config.sid(), role, why);
    leading = null;
    learning = null;
    role = Role.LOOKING;
    out.roleChange(new Output.RoleChange(Role.LOOKING, -1, -1));
    election.start(out);
  }

  /** Election outcome: lead, follow or observe {@code leader}. */
  void decide(long leader, Output out) {
    if (leader == config.sid()) {
      role = Role.LEADING;
      leading = new LeaderRole(this, ++leaderTerm);
      out.roleChange(new Output.RoleChange(Role.LEADING, leader, -1));
      leading.start(out);
      LOG.log(
          Level.DEBUG, "server {0}: elected leader in round {1}", config.sid(), election.round());
    } else {
      role = config.isVoter() ? Role.FOLLOWING : Role.OBSERVING;
      learning = new LearnerRole(this, leader);
      out.roleChange(new Output.RoleChange(role, leader, -1));
      learning.start(out);
    }
  }

  void drop(Message m, String why) {
    LOG.log(Level.DEBUG, "server {0}: dropped {1}: {2}", config.sid(), m, why);
  }

  private void onNotification(Notification n, Output out) {
    if (role == Role.LOOKING) {
      election.onNotification(n, out);
      return;
    }
    if (n.state() == Role.LOOKING) {
      // Tell the LOOKING peer whom we follow; if it is our own leader, it has given up on us.
      out.send(election.notification(n.from()));
      if (learning != null && n.from() == learning.leader()) {
        lookAgain("leader " + n.from() + " is LOOKING", out);
      }
    }
  }
}
