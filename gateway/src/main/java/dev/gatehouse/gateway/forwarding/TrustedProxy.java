package dev.gatehouse.gateway.forwarding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;

/**
 * An entry of a {@code trusted-proxies} list: an IP address or CIDR range as
 * {@link ClientAddressResolver} understands it. The message says what is wrong with the
 * entry.
 */
@Documented
@Constraint(validatedBy = TrustedProxy.Validator.class)
@Target({ ElementType.TYPE_USE, ElementType.FIELD, ElementType.PARAMETER })
@Retention(RetentionPolicy.RUNTIME)
public @interface TrustedProxy {

	String message() default "{problem}";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/** Checks one entry with {@link ClientAddressResolver#problem(String)}. */
	class Validator implements ConstraintValidator<TrustedProxy, String> {

		@Override
		public boolean isValid(String value, ConstraintValidatorContext context) {
			String problem = ClientAddressResolver.problem(value);
			if (problem == null) {
				return true;
			}
			// a message parameter is inserted as it is, never interpreted (the entry is
			// operator text)
			context.unwrap(HibernateConstraintValidatorContext.class).addMessageParameter("problem", problem);
			return false;
		}

	}

}
