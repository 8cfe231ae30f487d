package io.zabtx.demo.bank.transfer;

/**
 * {@code POST /api/v1/transfers}.
 *
 * @param from the account debited, {@code bank/account}
 * @param to the account credited, {@code bank/account}
 * @param amount a positive decimal with at most 2 places (JSON string or number)
 * @param protocol {@code 2PC} (default) or {@code 3PC}
 */
public record TransferRequest(String from, String to, Object amount, String protocol) {}
