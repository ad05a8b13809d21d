# Internal use only: not a public API of this collection; may change without notice.
# Machinery every provider shares (callbacks, events, answers, signature primitives, the registry entry),
# standard library only, used by the modules, the provider sandbox and the callback receiver.
