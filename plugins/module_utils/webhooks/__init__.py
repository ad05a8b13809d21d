# Provider knowledge shared by the modules, the provider sandbox and the callback receiver:
# webhook signature algorithms and event payload shapes. Standard library only.
