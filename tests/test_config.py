import pytest
from omegaconf import OmegaConf

from ganaug.utils.config import check_group_keys, check_overrides, validate
from ganaug.utils.errors import UserError

EXPERIMENTS = {
    "baseline": (False, False),
    "classic": (False, True),
    "augmented": (True, False),
    "augmented_classic": (True, True),
    "study": (True, False),
}


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_experiment_composes_and_validates(make_cfg, name):
    cfg = make_cfg(f"experiment={name}", fast=False)
    OmegaConf.resolve(cfg)
    validate(cfg)
    assert cfg.experiment_name == name
    assert (cfg.augment.gan, cfg.augment.classic) == EXPERIMENTS[name]
    steps = {"ganaug.models.dagan.DAGAN": 1500, "ganaug.models.gan.GAN": 3000}[cfg.gan.module._target_]
    assert cfg.data.n_per_class == 30 and cfg.classifier.epochs == 300 and cfg.gan.steps == steps and cfg.augment.ratio == 0.5
    net, lr = ("CNN", 0.05) if name == "study" else ("ConvNet", 0.02)  # the study keeps its own small CNN
    assert cfg.classifier.module.net._target_ == f"ganaug.models.networks.{net}" and cfg.classifier.module.lr == lr
    assert cfg.gan.module.lr == 3e-4 and cfg.gan.module.mode_seeking == 0.03
    assert cfg.data.seed == cfg.seed


def test_default_experiment_is_augmented(make_cfg):
    assert make_cfg().experiment_name == "augmented"


def test_the_study_is_augmented_with_the_small_cnn_a_constant_learning_rate_and_the_conditional_gan(make_cfg):
    study = make_cfg("experiment=study", fast=False)
    assert study.classifier.module.net._target_ == "ganaug.models.networks.CNN" and study.classifier.module.lr == 0.05
    augmented = make_cfg("experiment=augmented", "gan=dcgan", "classifier=cnn", fast=False)
    assert (study.classifier.module.lr_schedule, augmented.classifier.module.lr_schedule) == ("constant", "cosine")
    study.classifier.module.lr_schedule, study.experiment_name = "cosine", "augmented"
    assert study == augmented  # nothing else differs
    assert make_cfg("experiment=augmented", fast=False).gan.module._target_ == "ganaug.models.dagan.DAGAN"
    assert make_cfg("experiment=study", "gan=dagan", fast=False).gan.module._target_ == "ganaug.models.dagan.DAGAN"


@pytest.mark.parametrize(
    "override, key",
    [
        ("augment.ratio=-1", "augment.ratio"),
        ("augment.ratio=many", "augment.ratio"),
        ("data.n_per_class=0", "data.n_per_class"),
        ("data.root=/x data.max_test_per_class=0", "data.max_test_per_class"),
        ("data.root=/x data.val_fraction=1", "data.val_fraction"),
        ("gan.steps=1.5", "gan.steps"),
        ("classifier.epochs=0", "classifier.epochs"),
        ("gan.module.ema_decay=1.5", "gan.module.ema_decay"),
        ("seed=-3", "seed"),
        ("augment.affine.scale=[1.2,0.9]", "augment.affine.scale"),
        ("augment.affine.translate=2", "augment.affine.translate"),
        ("data.root=/x data.invert=maybe", "data.invert"),
        ("data.root=/x data.test_fraction=1.5", "data.test_fraction"),
        ("data.root=/x data.skip_bad=sometimes", "data.skip_bad"),
        ("", "data.root"),
        ("augment.fake_labels=maybe", "augment.fake_labels"),
        ("augment.confidence=1.5", "augment.confidence"),
        ("augment.unlabelled_weight=-1", "augment.unlabelled_weight"),
        ("augment.elastic=often", "augment.elastic"),
        ("augment.distortion.sigma=0", "augment.distortion.sigma"),
        ("gan.freeze_d_blocks=3", "gan.freeze_d_blocks"),
        ("gan.adapt_steps=0", "gan.adapt_steps"),
        ("classifier.freeze=maybe", "classifier.freeze"),
        ("pretrain=builtin pretrain.gan_steps=0", "pretrain.gan_steps"),
        ("gan.monitor_per_class=0", "gan.monitor_per_class"),
        ("gan=diffusion gan.module.strength=1.5", "gan.module.strength"),
        ("gan=diffusion gan.module.strength=0", "gan.module.strength"),
        ("gan=diffusion gan.module.guidance=-1", "gan.module.guidance"),
        ("gan=diffusion gan.module.sampling_steps=0", "gan.module.sampling_steps"),
        ("gan=diffusion gan.module.label_dropout=1", "gan.module.label_dropout"),
        ("gan=diffusion gan.module.train_timesteps=2.5", "gan.module.train_timesteps"),
    ],
)
def test_bad_values_name_the_key_and_what_is_allowed(tmp_path, override, key):
    """Whether OmegaConf refuses the value for its field's type while composing or the schema refuses it after."""
    folder = ["data=folder"] if key.startswith("data.") and key != "data.n_per_class" else []
    with pytest.raises(UserError) as error:
        check_overrides([*folder, f"paths.root={tmp_path}", *override.split()], "train")
    message = str(error.value)
    assert message.startswith(f"{key}=") and "use " in message and "\n" not in message


def test_gpu_trainer_config_composes(make_cfg):
    cfg = make_cfg("trainer=gpu")
    assert cfg.trainer.accelerator == "gpu" and cfg.trainer.precision == "bf16-mixed"
    assert cfg.trainer._target_ == "pytorch_lightning.Trainer" and cfg.trainer.num_sanity_val_steps == 0


def test_devices_and_strategy_reach_lightning_from_the_config(make_cfg):
    from hydra.utils import instantiate

    trainer = instantiate(make_cfg("trainer=gpu", "trainer.devices=4", "trainer.strategy=ddp").trainer)
    assert trainer.keywords["devices"] == 4 and trainer.keywords["strategy"] == "ddp"
    assert trainer.keywords["accelerator"] == "gpu"


def test_a_folder_setting_without_data_folder_says_to_add_it():
    with pytest.raises(UserError, match=r"^data.root is not a setting of data=builtin; data=folder and data=mnist "
                                        r"have it: add data=folder or data=mnist to the command$"):
        check_group_keys(["experiment=baseline", "data.root=photos"], "train")
    with pytest.raises(UserError, match=r"data.skip_bad is not a setting of data=mnist; data=folder has it"):
        check_group_keys(["data=mnist", "data.skip_bad=false"], "prepare")


@pytest.mark.parametrize(
    "overrides",
    [["data=folder", "data.root=photos"], ["data.root=photos", "data=mnist"], ["data=folder,mnist", "data.root=x"],
     ["data.n_per_class=10"], ["+data.root=photos"], ["data.n_per_clas=10"]],
)
def test_group_keys_of_the_chosen_data_set_or_unknown_to_all_pass_to_hydra(overrides):
    check_group_keys(overrides, "train")  # a key no data set has is Hydra's to report


@pytest.mark.parametrize(
    "overrides, suggestion",
    [
        (["augment.ratoi=1"], "augment.ratio"),
        (["experiment=baseline,classic", "classifier.epoch=3"], "classifier.epochs"),
        (["gan.module.lrr=0.1"], "gan.module.lr"),
        (["data=folder", "data.roots=x"], "data.root"),
        (["sed=3"], "seed"),
    ],
)
def test_an_unknown_key_names_the_closest_one(overrides, suggestion):
    with pytest.raises(UserError, match=rf"^{overrides[-1].split('=')[0]} is not a setting; did you mean {suggestion}\?$"):
        check_overrides(overrides, "train")


@pytest.mark.parametrize(
    "overrides",
    [["augment.ratio=1", "experiment=classic", "augment.elastic=true"], ["data=folder", "data.root=x"],
     ["hydra.sweep.dir=x", "hydra/launcher=parallel"], ["debug=fast", "gan.steps=3"],
     ["data.batch_size=8"], ["logger=[tensorboard,csv]", "seed=1"], ["logger=csv,mlflow", "seed=1"]],
)
def test_known_keys_pass(overrides):
    check_overrides(overrides, "train")


def test_the_classic_recipe_is_elastic_distortion_alone_unless_told(make_cfg):
    from ganaug.pipeline.fitting import augmentation

    targets = lambda cfg: [t._target_.rsplit(".", 1)[-1] for t in augmentation(cfg.augment)]  # noqa: E731
    assert targets(make_cfg("experiment=classic")) == ["ElasticDistortion"]
    assert targets(make_cfg("experiment=classic", "augment.random_affine=true")) == ["RandomAffine", "ElasticDistortion"]
    assert targets(make_cfg("experiment=classic", "augment.random_affine=true", "augment.elastic=false")) == ["RandomAffine"]
    assert targets(make_cfg("experiment=baseline")) == []
    with pytest.raises(UserError, match=r"^augment.classic=true with neither augment.random_affine nor augment.elastic"):
        validate(make_cfg("experiment=classic", "augment.elastic=false"))
