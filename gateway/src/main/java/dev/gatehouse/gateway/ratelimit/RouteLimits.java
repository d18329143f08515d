package dev.gatehouse.gateway.ratelimit;

import dev.gatehouse.gateway.forwarding.ClientAddressResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.gatehouse.gateway.security.ClaimCondition;
import dev.gatehouse.gateway.security.TokenClaims;

/**
 * A route version's limits, ready for requests: which limits apply to a token (its plans,
 * or the limits without {@code when}), each selection with its key resolvers and
 * {@code RateLimit-Policy} value built once. Choosing costs one pass over the plans'
 * conditions and no allocation.
 */
final class RouteLimits {

	private final List<RateLimit> plans;

	private final Selection defaults;

	/** Indexed by the bit set of matching plans; filled on first use. */
	private final AtomicReferenceArray<Selection> byPlans;

	private final ClientAddressResolver addresses;

	RouteLimits(List<RateLimit> limits, ClientAddressResolver addresses) {
		this.addresses = addresses;
		this.plans = limits.stream().filter(RateLimit::isPlan).toList();
		this.defaults = selection(limits.stream().filter((limit) -> !limit.isPlan()).toList());
		this.byPlans = new AtomicReferenceArray<>(1 << this.plans.size());
	}

	/**
	 * @param claims the token's claims ({@link TokenClaims#NONE} without a token)
	 * @param uriVariables the Path predicate's URI variables, or {@code null}
	 * @return the limits that apply (possibly none)
	 */
	Selection select(TokenClaims claims, Map<String, String> uriVariables) {
		int matching = 0;
		for (int i = 0; i < this.plans.size(); i++) {
			if (allHold(this.plans.get(i).when(), claims, uriVariables)) {
				matching |= 1 << i;
			}
		}
		if (matching == 0) {
			return this.defaults;
		}
		Selection selection = this.byPlans.get(matching);
		if (selection == null) {
			List<RateLimit> chosen = new ArrayList<>();
			for (int i = 0; i < this.plans.size(); i++) {
				if ((matching & (1 << i)) != 0) {
					chosen.add(this.plans.get(i));
				}
			}
			selection = selection(chosen);
			this.byPlans.set(matching, selection);
		}
		return selection;
	}

	private Selection selection(List<RateLimit> limits) {
		LimitKeyResolver[] resolvers = new LimitKeyResolver[limits.size()];
		for (int i = 0; i < resolvers.length; i++) {
			resolvers[i] = LimitKeyResolver.of(limits.get(i), this.addresses);
		}
		return new Selection(List.copyOf(limits), resolvers, limits.isEmpty() ? null : RateLimitHeaders.policy(limits),
				RateLimitHeaders.remainingPrefixes(limits));
	}

	private static boolean allHold(List<ClaimCondition> conditions, TokenClaims claims,
			Map<String, String> uriVariables) {
		for (int i = 0; i < conditions.size(); i++) {
			if (!conditions.get(i).holds(claims, uriVariables)) {
				return false;
			}
		}
		return true;
	}

	boolean hasPlans() {
		return !this.plans.isEmpty();
	}

	boolean isEmpty() {
		return this.plans.isEmpty() && this.defaults.limits().isEmpty();
	}

	/**
	 * The limits that apply to one request.
	 *
	 * @param limits the limits, in the route's order
	 * @param resolvers per limit, what it counts by
	 * @param policyHeader the {@code RateLimit-Policy} value ({@code null} when no limit
	 * applies)
	 * @param remainingPrefixes per limit, the start of its {@code RateLimit} item
	 */
	record Selection(List<RateLimit> limits, LimitKeyResolver[] resolvers, String policyHeader,
			String[] remainingPrefixes) {

	}

}
