package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RequestOptionsTest {

  @Test
  void defaults_anonymousCallerNoRequestIdNoTimeouts() {
    RequestOptions options = RequestOptions.defaults();

    assertThat(options.caller()).isSameAs(Caller.anonymous());
    assertThat(options.caller().isAnonymous()).isTrue();
    assertThat(options.requestId()).isNull();
    assertThat(options.timeouts()).isNull();
  }

  @Test
  void caller_blankValuesCountAsUnsetAndSurviveToBuilder() {
    Caller caller = Caller.builder().keyId("key_123").user(" ").team("research").clientIp("127.0.0.1").build();
    RequestOptions options = RequestOptions.builder().caller(caller).build();

    assertThat(options.caller().user()).isNull();
    assertThat(options.caller().isAnonymous()).isFalse();
    assertThat(options.toBuilder().build()).isEqualTo(options);
    assertThat(options.caller().toBuilder().build()).isEqualTo(caller);
  }

  @Test
  void requestId_blankOrTooLong_isRejectedNamingTheValue() {
    assertThatThrownBy(() -> RequestOptions.builder().requestId(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("requestId must be 1 to 128 non-blank characters but was ' '");
    assertThatThrownBy(() -> RequestOptions.builder().requestId("x".repeat(129)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
