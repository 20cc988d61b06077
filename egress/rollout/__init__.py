"""Services over a fleet, called alike by the CLI verbs (``egress/commands/``) and the
playbook runner (``egress/playbook/``): each written once."""
