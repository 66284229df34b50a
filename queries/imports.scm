; Every import that can bind a name. The Rust side decides which ones bind the
; standard library's `uuid` module or its `uuid4` function, and which shadow them.

; import uuid / import os.path
(import_statement
  name: (dotted_name) @module.name)

; import uuid as u
(import_statement
  name: (aliased_import
    name: (dotted_name) @module.name
    alias: (identifier) @module.alias))

; from uuid import uuid4
(import_from_statement
  module_name: (_) @from.module
  name: (dotted_name) @from.name)

; from uuid import uuid4 as new_id
(import_from_statement
  module_name: (_) @from.module
  name: (aliased_import
    name: (dotted_name) @from.name
    alias: (identifier) @from.alias))

; from uuid import *
(import_from_statement
  module_name: (_) @from.module
  (wildcard_import) @from.star)
