; `<name>.uuid4` — called or not. Whether <name> is the uuid module is decided by
; the scope model; bare `uuid4` aliases are found from the imports.
(attribute
  object: (identifier) @object
  attribute: (identifier) @attribute
  (#eq? @attribute "uuid4")) @site
