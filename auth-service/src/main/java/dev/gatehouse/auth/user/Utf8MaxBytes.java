package dev.gatehouse.auth.user;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/** A password BCrypt can hash whole: at most 72 bytes in UTF-8. */
@Documented
@Constraint(validatedBy = Utf8MaxBytes.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@interface Utf8MaxBytes {

	String message() default "must be at most " + PasswordHasher.MAX_PASSWORD_BYTES + " bytes in UTF-8";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	class Validator implements ConstraintValidator<Utf8MaxBytes, String> {

		@Override
		public boolean isValid(String value, ConstraintValidatorContext context) {
			return value == null || !PasswordHasher.isTooLong(value);
		}

	}

}
