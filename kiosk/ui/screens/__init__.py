"""One module per screen; each shows state it is given and emits what staff asked for."""
