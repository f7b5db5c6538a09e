package dev.switchboard.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProviderConfigTest {

  @Test
  void toString_apiKeyAndSecretLikeOptions_areMasked() {
    ProviderConfig config = ProviderConfig.builder().name("aws").type("bedrock").apiKey("bedrock-key-1")
        .option("region", "us-east-1")
        .option("access_key_id", "AKIDEXAMPLE")
        .option("secret_access_key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .option("session_token", "IQoJb3JpZ2luX2Vj")
        .build();

    assertThat(config.toString()).isEqualTo("ProviderConfig{name=aws, type=bedrock, apiKey=****, baseUrl=null, "
        + "options={access_key_id=****, region=us-east-1, secret_access_key=****, session_token=****}}");
  }
}
