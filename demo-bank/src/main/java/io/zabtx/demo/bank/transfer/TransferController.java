package io.zabtx.demo.bank.transfer;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/transfers}: move money between two accounts at any banks. */
@RestController
@RequestMapping("/api/v1/transfers")
public class TransferController {
  private final TransferService service;

  public TransferController(TransferService service) {
    this.service = service;
  }

  /**
   * Runs the transfer as one global transaction and answers once the coordinator's decision is
   * durable: 200 committed, or a problem saying why and whether it was rolled back.
   */
  @PostMapping
  public TransferResult transfer(@RequestBody TransferRequest request) {
    return service.transfer(request);
  }
}
