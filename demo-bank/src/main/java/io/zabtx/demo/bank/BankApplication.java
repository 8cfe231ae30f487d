package io.zabtx.demo.bank;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * One bank of the ZabTX demo: accounts in its own H2 database, taking part in global transactions
 * through the participant SDK's auto-configuration. Start it once per bank; see docs/demo-bank.md.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BankApplication {

  public static void main(String[] args) {
    SpringApplication.run(BankApplication.class, args);
  }
}
