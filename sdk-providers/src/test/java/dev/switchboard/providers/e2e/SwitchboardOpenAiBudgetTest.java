package dev.switchboard.providers.e2e;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.switchboard.providers.e2e.Upstreams.account;
import static dev.switchboard.providers.e2e.Upstreams.chat;
import static dev.switchboard.providers.e2e.Upstreams.chatRequests;
import static dev.switchboard.providers.e2e.Upstreams.completion;
import static dev.switchboard.providers.e2e.Upstreams.hello;
import static dev.switchboard.providers.e2e.Upstreams.retries;
import static dev.switchboard.providers.e2e.Upstreams.textStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.core.Caller;
import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.SwitchboardListener;
import dev.switchboard.core.Timeouts;
import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.cost.Cost;
import dev.switchboard.core.cost.Money;
import dev.switchboard.core.cost.SpendPeriod;
import dev.switchboard.core.cost.UsageDimension;
import dev.switchboard.core.cost.UsageRecord;
import dev.switchboard.core.error.BudgetExceededException;
import dev.switchboard.core.model.ChatChunk;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.providers.http.HttpTransport;
import dev.switchboard.providers.http.OkHttpTransport;
import dev.switchboard.providers.openai.TransportProbe;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cost tracking over real HTTP: usage parsed from the wire is priced from the built-in catalog, and a
 * budget at its limit sends calls to the cheaper upstream (the servers show which one was called).
 */
class SwitchboardOpenAiBudgetTest {

  @RegisterExtension
  static final WireMockExtension premium =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
  @RegisterExtension
  static final WireMockExtension cheap =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final OkHttpTransport transport = OkHttpTransport.builder().build();

  private final List<UsageRecord> records = new CopyOnWriteArrayList<>();
  private Switchboard switchboard;

  @AfterEach
  void closeAndCheckLeaks() {
    if (switchboard != null) {
      switchboard.close();
    }
    TransportProbe.assertNoOpenCalls(transport);
  }

  @AfterAll
  static void closeTransport() {
    transport.close();
  }

  private Switchboard.Builder builder() {
    return Switchboard.builder()
        .provider(account("premium", premium))
        .provider(account("cheap", cheap))
        .providerComponent(HttpTransport.class, transport)
        .retryPolicy(retries(0))
        .timeouts(Timeouts.of(Duration.ofSeconds(5), Duration.ofSeconds(5)))
        .listener(new SwitchboardListener() {
          @Override
          public void usageRecorded(UsageRecord record) {
            records.add(record);
          }
        })
        .modelGroup(ModelGroup.builder("smart").deployment("premium", "gpt-4o").build())
        .modelGroup(ModelGroup.builder("fast").deployment("cheap", "gpt-4o-mini").build());
  }

  private static RequestOptions team(String team) {
    return RequestOptions.builder().caller(Caller.builder().keyId("key-1").team(team).build()).build();
  }

  @Test
  void chat_usageFromTheWire_pricedFromTheCatalogByProviderType() {
    premium.stubFor(chat().willReturn(completion("hello")));
    switchboard = builder().build();

    switchboard.chatBlocking(hello("smart"), team("research"));

    // gpt-4o, 12 prompt + 5 completion tokens: 12 x 2.50 + 5 x 10 = 80 per million
    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.cost()).isEqualTo(Cost.of(Money.of("0.00008")));
      assertThat(r.upstreamModel()).isEqualTo("gpt-4o");
      assertThat(r.provider()).isEqualTo("premium");
    });
  }

  @Test
  void budgetAtItsLimit_downgradesToTheCheaperUpstream() {
    premium.stubFor(chat().willReturn(completion("premium answer")));
    cheap.stubFor(chat().willReturn(completion("cheap answer")));
    // one gpt-4o call costs $0.00008: the second call finds the team at its limit
    switchboard = builder().budget(Budget.builder(Budget.Scope.TEAM, SpendPeriod.MONTH, Money.of("0.00005"))
        .subject("research").downgradeTo("fast").build()).build();

    ChatResponse first = switchboard.chatBlocking(hello("smart"), team("research"));
    ChatResponse second = switchboard.chatBlocking(hello("smart"), team("research"));

    assertThat(first.text()).isEqualTo("premium answer");
    assertThat(second.text()).isEqualTo("cheap answer");
    assertThat(second.route().downgradedFrom()).isEqualTo("smart");
    assertThat(second.route().group()).isEqualTo("fast");
    premium.verify(1, chatRequests());
    cheap.verify(1, chatRequests().withRequestBody(WireMock.matchingJsonPath("$.model", WireMock.equalTo(
        "gpt-4o-mini"))));
    assertThat(records.get(1).downgradedFrom()).isEqualTo("smart");
    // gpt-4o-mini: 12 x 0.15 + 5 x 0.60 = 4.8 per million
    assertThat(records.get(1).cost()).isEqualTo(Cost.of(Money.of("0.0000048")));

    switchboard.costs().flush().join();
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    assertThat(switchboard.costs().totals(UsageDimension.TEAM, "research", today, today).join().cost())
        .isEqualTo(Money.of("0.0000848"));
  }

  @Test
  void rejectingBudget_noUpstreamCalledOnceItIsSpent() {
    premium.stubFor(chat().willReturn(textStream("a", "b", "c")));
    switchboard = builder().budget(Budget.builder(Budget.Scope.KEY, SpendPeriod.DAY, Money.of("0.00001")).build())
        .build();
    List<ChatChunk> chunks = new CopyOnWriteArrayList<>();
    try (var stream = switchboard.streamBlocking(hello("smart"), team("ops"))) {
      stream.forEach(chunks::add);
    }
    // 9 prompt + 3 completion on gpt-4o: 9 x 2.50 + 3 x 10 = 52.5 per million, from the usage chunk
    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.stream()).isTrue();
      assertThat(r.estimated()).isFalse();
      assertThat(r.cost()).isEqualTo(Cost.of(Money.of("0.0000525")));
    });

    assertThatThrownBy(() -> switchboard.chatBlocking(hello("smart"), team("ops")))
        .isInstanceOfSatisfying(BudgetExceededException.class, e -> assertThat(e.budget()).isEqualTo("key:key-1:day"));
    premium.verify(1, chatRequests());
  }
}
