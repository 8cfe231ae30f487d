package io.zabtx.replication.core;

import io.zabtx.replication.core.Message.LocalSynced;
import io.zabtx.replication.core.Message.Notification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Test harness around one {@link ZabCore}: records every {@link Output}, feeds the core's notes to
 * itself ({@link LocalSynced}) back as the runtime would once its fsync completes, and builds the
 * values tests need. No threads, no clocks: time is {@link #tick()}.
 */
final class CoreDriver {

  /** The voters of the standard 3-node test ensemble. */
  static final Set<Long> VOTERS = Set.of(1L, 2L, 3L);

  final ZabCore core;
  private final List<Output> outputs = new ArrayList<>();
  private int syncedUpTo; // outputs below this index had their LocalSynced notes fed back

  CoreDriver(ZabConfig config, DurableState state) {
    this(config, state, 42);
  }

  CoreDriver(ZabConfig config, DurableState state, long seed) {
    core = ZabCore.create(config, state, new SplittableRandom(seed));
  }

  /** Node {@code sid} of the 3-voter ensemble with short ticks: finalize 2, sync limit 12. */
  static ZabConfig config(long sid) {
    return ZabConfig.of(sid, VOTERS, Set.of()).withTicks(2, 8, 60, 12, 3);
  }

  long sid() {
    return core.config().sid();
  }

  Output start() {
    return record(core.start());
  }

  Output deliver(Message m) {
    return record(core.step(m));
  }

  Output tick() {
    return record(core.tick());
  }

  Output peerLost(long sid) {
    return record(core.peerLost(sid));
  }

  /** Ticks {@code n} times and returns the outputs. */
  List<Output> tickN(int n) {
    List<Output> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(tick());
    }
    return out;
  }

  Output propose(String data) {
    return record(core.propose(data.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Feeds back every {@link LocalSynced} note found in outputs not yet synced (including notes that
   * the feeding itself produces): the runtime's fsync of everything so far completed.
   */
  List<Output> syncAll() {
    List<Output> produced = new ArrayList<>();
    while (syncedUpTo < outputs.size()) {
      Output o = outputs.get(syncedUpTo++);
      for (Output.Send s : o.messages()) {
        if (s.message() instanceof LocalSynced ls) {
          produced.add(deliver(ls));
        }
      }
    }
    return produced;
  }

  Output lastOutput() {
    return outputs.get(outputs.size() - 1);
  }

  List<Output> outputs() {
    return List.copyOf(outputs);
  }

  /** Messages of {@code type} sent in the last output. */
  <T extends Message> List<T> sent(Class<T> type) {
    return messagesOf(List.of(lastOutput()), type);
  }

  /** Messages of {@code type} sent in any output so far. */
  <T extends Message> List<T> sentEver(Class<T> type) {
    return messagesOf(outputs, type);
  }

  /** Sends (message plus afterSync flag) of {@code type} in the last output. */
  List<Output.Send> sends(Class<? extends Message> type) {
    return lastOutput().messages().stream().filter(s -> type.isInstance(s.message())).toList();
  }

  /** Every persist op of every output so far, in order. */
  List<PersistOp> persistedEver() {
    return outputs.stream().flatMap(o -> o.persist().stream()).toList();
  }

  /** Every committed entry of every output so far, in order. */
  List<Entry> committedEver() {
    return outputs.stream().flatMap(o -> o.committed().stream()).toList();
  }

  /** The session id of the last FOLLOWERINFO this node sent. */
  long session() {
    List<Message.FollowerInfo> fi = sentEver(Message.FollowerInfo.class);
    return fi.get(fi.size() - 1).session();
  }

  // ---- message and state builders ----

  Notification looking(long from, long round, long leader, long zxid, long peerEpoch) {
    return new Notification(from, sid(), Role.LOOKING, round, leader, zxid, peerEpoch);
  }

  Notification following(long from, long leader) {
    return new Notification(from, sid(), Role.FOLLOWING, 1, leader, 0, 0);
  }

  Notification leading(long from) {
    return new Notification(from, sid(), Role.LEADING, 1, from, 0, 0);
  }

  static Entry entry(long epoch, long counter) {
    return new Entry(
        Zxid.make(epoch, counter), (epoch + ":" + counter).getBytes(StandardCharsets.UTF_8));
  }

  /** Entries {@code epoch:from .. epoch:to}. */
  static List<Entry> entries(long epoch, int from, int to) {
    List<Entry> l = new ArrayList<>();
    for (int c = from; c <= to; c++) {
      l.add(entry(epoch, c));
    }
    return l;
  }

  static long z(long epoch, long counter) {
    return Zxid.make(epoch, counter);
  }

  static DurableState state(long acceptedEpoch, long currentEpoch, List<Entry> entries) {
    return new DurableState(acceptedEpoch, currentEpoch, Snapshot.EMPTY, entries);
  }

  private Output record(Output o) {
    outputs.add(o);
    return o;
  }

  private static <T extends Message> List<T> messagesOf(List<Output> outs, Class<T> type) {
    return outs.stream()
        .flatMap(o -> o.messages().stream())
        .map(Output.Send::message)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }
}
