"""The models: the design read from files, the inventory, and the per-device intent derived
from them."""
