package dev.switchboard.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Caller;
import dev.switchboard.core.RequestOptions;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.error.BudgetExceededException;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.routing.Deployment;
import dev.switchboard.core.routing.ModelGroup;
import dev.switchboard.core.testing.FakeProvider;
import dev.switchboard.core.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Budgets added and removed while the client runs: {@code Switchboard.budgets()}. */
class BudgetRegistryTest {

  private final FakeProvider a = new FakeProvider("a");
  private final FakeProvider b = new FakeProvider("b");
  private final ManualClock clock = new ManualClock();
  private Switchboard switchboard;

  @AfterEach
  void close() {
    if (switchboard != null) {
      switchboard.close();
    }
  }

  /** A call on "premium" costs $0.02, as in BudgetTest. */
  private Switchboard.Builder builder() {
    return Switchboard.builder()
        .provider("a", a)
        .provider("b", b)
        .clock(clock)
        .retryPolicy(RetryPolicy.none())
        .modelGroup(ModelGroup.builder("premium").deployment(Deployment.builder().provider("a").model("big")
            .price(Price.perMillion("1000", "2000")).build()).build())
        .modelGroup(ModelGroup.builder("cheap").deployment(Deployment.builder().provider("b").model("small")
            .price(Price.perMillion("100", "200")).build()).build());
  }

  private ChatResponse chat(String key) {
    return switchboard.chatBlocking(ChatRequest.builder().model("premium").addMessage(Message.user("hi")).build(),
        RequestOptions.builder().caller(Caller.builder().keyId(key).build()).build());
  }

  private static Budget keyBudget(String key, String limit) {
    return Budget.builder(Budget.Scope.KEY, SpendPeriod.TOTAL, Money.of(limit)).subject(key).build();
  }

  @Test
  void put_onAClientBuiltWithoutBudgets_appliesToTheNextCall() {
    switchboard = builder().build();
    chat("key-1");
    chat("key-1"); // $0.04 spent before any budget existed

    switchboard.budgets().put(keyBudget("key-1", "0.03"));

    assertThatThrownBy(() -> chat("key-1")).isInstanceOfSatisfying(BudgetExceededException.class,
        e -> assertThat(e.budget()).isEqualTo("key:key-1:total"));
    chat("key-2"); // no budget of its own
    assertThat(a.calls()).isEqualTo(3);
  }

  @Test
  void remove_budgetAtItsLimit_letsCallsThroughAgain() {
    switchboard = builder().budget(keyBudget("key-1", "0.01")).build();
    chat("key-1");
    assertThatThrownBy(() -> chat("key-1")).isInstanceOf(BudgetExceededException.class);

    assertThat(switchboard.budgets().remove("key:key-1:total")).contains(keyBudget("key-1", "0.01"));

    chat("key-1");
    assertThat(a.calls()).isEqualTo(2);
    assertThat(switchboard.budgets().list()).isEmpty();
  }

  @Test
  void put_sameName_replacesAndKeepsTheSpend() {
    switchboard = builder().budget(keyBudget("key-1", "0.01")).build();
    chat("key-1");

    assertThat(switchboard.budgets().put(keyBudget("key-1", "0.05"))).contains(keyBudget("key-1", "0.01"));

    chat("key-1"); // $0.02 of $0.05
    assertThat(switchboard.budgets().list()).containsExactly(keyBudget("key-1", "0.05"));
    assertThat(switchboard.budgets().find("key:key-1:total")).contains(keyBudget("key-1", "0.05"));
  }

  @Test
  void put_downgradingBudget_sendsCallsToTheCheaperGroup() {
    switchboard = builder().build();
    chat("key-1");

    switchboard.budgets().put(keyBudget("key-1", "0.01").toBuilder().downgradeTo("cheap").build());

    ChatResponse r = chat("key-1");
    assertThat(r.route().downgradedFrom()).isEqualTo("premium");
    assertThat(b.calls()).isEqualTo(1);
  }

  @Test
  void put_downgradeToUnknownGroup_throwsAndChangesNothing() {
    switchboard = builder().build();

    assertThatThrownBy(() -> switchboard.budgets().put(keyBudget("key-1", "1").toBuilder().downgradeTo("nope")
        .build())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a budget downgrades to model group 'nope', which is not configured");
    assertThat(switchboard.budgets().list()).isEmpty();
  }

  @Test
  void remove_unknownName_isEmpty() {
    switchboard = builder().build();

    assertThat(switchboard.budgets().remove("key:none:day")).isEmpty();
    assertThat(switchboard.budgets().find("key:none:day")).isEmpty();
  }
}
