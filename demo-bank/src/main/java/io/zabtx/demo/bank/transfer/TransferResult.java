package io.zabtx.demo.bank.transfer;

import java.math.BigDecimal;

/**
 * A committed transfer.
 *
 * @param xid the global transaction
 * @param status {@code COMMITTED}: the coordinator decided commit and the decision is durable
 * @param protocol {@code 2PC} or {@code 3PC}
 * @param from the account debited
 * @param to the account credited
 * @param amount the amount moved
 * @param millis how long begin-to-commit took
 */
public record TransferResult(
    String xid,
    String status,
    String protocol,
    String from,
    String to,
    BigDecimal amount,
    long millis) {}
