"""A minimal Django project that serves the same trivial GET through four stacks."""
