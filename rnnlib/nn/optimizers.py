"""Keras-named optimizers on ``rnnlib.core.optim``, with Keras's defaults and gradient clipping.

``Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)``, ``SGD(learning_rate=0.01)``
and ``RMSprop(learning_rate=0.001, rho=0.9, epsilon=1e-7)`` as Keras 3 spells them.  Clipping as
Keras's optimizers take it, using the core's clipping functions: ``clipvalue`` (each element into
[-v, v]), ``clipnorm`` (each weight's gradient to norm at most c, separately) and
``global_clipnorm`` (all gradients together to norm at most c).

Two Keras 2 spellings the 2018-2021 course notebooks use are accepted as well: ``lr=`` for
``learning_rate=``, and ``decay=``, Keras 2's time-based decay: update number k (counted from 0)
uses ``learning_rate / (1 + decay * k)``.  The jazz assignment trains with
``Adam(lr=0.01, beta_1=0.9, beta_2=0.999, decay=0.01)``.
"""
from ..core import optim
from ..errors import ConfigError


class Optimizer:
    """Holds a core optimizer and the clipping options; ``apply(params, grads)`` updates in place."""

    # Keras arguments accepted only at their default (no weight decay, EMA, loss scaling, accumulation)
    ONLY_AT_DEFAULT = {"amsgrad": False, "weight_decay": None, "use_ema": False, "ema_momentum": 0.99,
                       "ema_overwrite_frequency": None, "loss_scale_factor": None,
                       "gradient_accumulation_steps": None, "nesterov": False, "centered": False}

    def __init__(self, core, clipnorm=None, clipvalue=None, global_clipnorm=None, name=None, decay=0.0, **unknown):
        for key, default in self.ONLY_AT_DEFAULT.items():
            if key in unknown and unknown.pop(key) != default:
                raise ConfigError(f"{type(self).__name__}: {key}={default!r} is the only value rnnlib.nn supports")
        if unknown:
            raise ConfigError(f"{type(self).__name__}: unknown or unsupported argument(s) {', '.join(sorted(unknown))}")
        for label, v in (("clipnorm", clipnorm), ("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm)):
            if v is not None and not (isinstance(v, (int, float)) and v > 0):
                raise ConfigError(f"{type(self).__name__}: {label} must be a positive number, got {v!r}")
        if clipnorm is not None and global_clipnorm is not None:
            raise ConfigError(f"{type(self).__name__}: give clipnorm or global_clipnorm, not both")
        if isinstance(decay, bool) or not (isinstance(decay, (int, float)) and decay >= 0):
            raise ConfigError(f"{type(self).__name__}: decay must be a number >= 0, got {decay!r}")
        self.core = core
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.decay = float(decay)
        self.iterations = 0  # updates applied so far (Keras's ``optimizer.iterations``)
        self._base_rate = core.learning_rate

    @property
    def learning_rate(self):
        """The base learning rate (before any time-based decay)."""
        return self._base_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self._base_rate = value
        self.core.learning_rate = value

    @property
    def current_learning_rate(self):
        """The rate the next update uses: ``learning_rate / (1 + decay * iterations)``."""
        return self._base_rate / (1.0 + self.decay * self.iterations)

    def apply(self, parameters, gradients):
        """parameters: name -> array; gradients: "d" + name -> array (clipped in place)."""
        if self.clipvalue is not None:
            optim.clip_by_value(gradients, self.clipvalue)
        if self.clipnorm is not None:
            for key in gradients:
                optim.clip_by_global_norm({key: gradients[key]}, self.clipnorm)
        if self.global_clipnorm is not None:
            optim.clip_by_global_norm(gradients, self.global_clipnorm)
        self.core.learning_rate = self.current_learning_rate
        self.core.step(parameters, gradients)
        self.iterations += 1


def _legacy_rate(name, learning_rate, default, clipping):
    """Keras 2's ``lr=`` spelling of ``learning_rate=`` (both at once is an error)."""
    if "lr" in clipping:
        lr = clipping.pop("lr")
        if learning_rate is not None:
            raise ConfigError(f"{name}: give learning_rate= or its old spelling lr=, not both")
        learning_rate = lr
    return default if learning_rate is None else learning_rate


def _check_rate(name, learning_rate):
    if isinstance(learning_rate, bool):
        raise ConfigError(f"{name}: learning_rate must be a positive number, got {learning_rate!r}")
    if not (isinstance(learning_rate, (int, float)) and learning_rate > 0):
        raise ConfigError(f"{name}: learning_rate must be a positive number, got {learning_rate!r}")


class Adam(Optimizer):
    def __init__(self, learning_rate=None, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **clipping):
        learning_rate = _legacy_rate("Adam", learning_rate, 0.001, clipping)
        _check_rate("Adam", learning_rate)
        super().__init__(optim.Adam(learning_rate, beta1=beta_1, beta2=beta_2, eps=epsilon), **clipping)


class SGD(Optimizer):
    def __init__(self, learning_rate=None, momentum=0.0, **clipping):
        learning_rate = _legacy_rate("SGD", learning_rate, 0.01, clipping)
        _check_rate("SGD", learning_rate)
        if momentum != 0.0:
            raise ConfigError("SGD: momentum is not supported by rnnlib.nn (core.optim.SGD is plain descent)")
        super().__init__(optim.SGD(learning_rate), **clipping)


class RMSprop(Optimizer):
    def __init__(self, learning_rate=None, rho=0.9, momentum=0.0, epsilon=1e-7, **clipping):
        learning_rate = _legacy_rate("RMSprop", learning_rate, 0.001, clipping)
        _check_rate("RMSprop", learning_rate)
        if momentum != 0.0:
            raise ConfigError("RMSprop: momentum is not supported by rnnlib.nn")
        super().__init__(optim.RMSprop(learning_rate, rho=rho, eps=epsilon), **clipping)


OPTIMIZERS = {"adam": Adam, "sgd": SGD, "rmsprop": RMSprop}


def get(optimizer):
    """An Optimizer from a name ("adam", "sgd", "rmsprop") or an Optimizer itself."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, str) and optimizer.lower() in OPTIMIZERS:
        return OPTIMIZERS[optimizer.lower()]()
    raise ConfigError(f"compile: unknown optimizer {optimizer!r}; use 'adam', 'sgd', 'rmsprop' or rnnlib.nn.optimizers.Adam(...)")
