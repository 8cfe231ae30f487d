package io.zabtx.demo.bank.account;

import io.zabtx.demo.bank.BankProperties;
import org.springframework.stereotype.Component;

/** This bank's name, from {@code zabtx.demo.bank.name}. */
@Component
public class BankIdentity {
  private final String name;

  public BankIdentity(BankProperties props) {
    this.name = props.bank().name();
  }

  public String name() {
    return name;
  }
}
