package io.zabtx.demo.bank.audit;

import java.math.BigDecimal;
import java.util.Map;

/**
 * What a checker needs from one bank.
 *
 * @param bank the bank
 * @param accounts how many accounts it holds
 * @param total the sum of their balances (while transfers are in flight, this includes branches not
 *     yet decided: compare totals across banks only when {@code unfinishedBranches} is 0
 *     everywhere)
 * @param unfinishedBranches branches of global transactions not finished here (ACTIVE, PREPARED,
 *     READY, PRECOMMITTED)
 * @param heuristicBranches branches this bank decided alone (HEURISTIC_*)
 * @param branchesByState every branch row still kept, by state
 */
public record Audit(
    String bank,
    long accounts,
    BigDecimal total,
    long unfinishedBranches,
    long heuristicBranches,
    Map<String, Long> branchesByState) {}
