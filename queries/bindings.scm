; Names bound by something other than an import: these shadow `uuid` or `uuid4`
; in their scope. Pattern targets are captured whole and unpacked in Rust.

(assignment left: (_) @target)
(augmented_assignment left: (_) @target)
(for_statement left: (_) @target)
(for_in_clause left: (_) @target)
(named_expression name: (identifier) @name)
(as_pattern alias: (as_pattern_target) @target)

(parameters (identifier) @name)
(lambda_parameters (identifier) @name)
(default_parameter name: (_) @target)
(typed_parameter (identifier) @name)
(typed_default_parameter name: (identifier) @name)
(list_splat_pattern (identifier) @name)
(dictionary_splat_pattern (identifier) @name)

(function_definition name: (identifier) @name)
(class_definition name: (identifier) @name)

(global_statement (identifier) @global)
(nonlocal_statement (identifier) @nonlocal)
