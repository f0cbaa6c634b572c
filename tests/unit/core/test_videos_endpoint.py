"""Which `/v1/videos` endpoint is in effect, and validation and prices on each."""

from __future__ import annotations

from datetime import date

import pytest

from imageai.core.catalog import default_catalog, load_catalog
from imageai.core.errors import ModelRetiredError, ValidationError
from imageai.core.models import Project, ProviderName, ProviderSettings, Scene, SoraSettings
from imageai.core.pricing import estimate
from imageai.core.shot import spec_for_settings
from imageai.core.validation import validate_project, validate_spec
from imageai.core.videos_endpoint import azure_retirement, endpoint_for, is_compatible

CATALOG = default_catalog()
GATEWAY = "https://videos-gateway.test/v1"


def _project(sora: SoraSettings, *durations: int | None) -> Project:
    scenes = tuple(
        Scene(id=f"s{i}", prompt=f"shot {i}", duration=d) for i, d in enumerate(durations)
    )
    return Project(provider=ProviderName.SORA, settings=ProviderSettings(sora=sora), scenes=scenes)


@pytest.mark.parametrize(
    ("endpoint", "compatible"),
    [
        (None, False),
        ("https://api.openai.com/v1", False),
        ("https://API.OpenAI.com/v1/", False),
        ("https://videos-gateway.test/v1", True),
        ("http://127.0.0.1:8080/v1", True),
        ("https://api.openai.com.evil.test/v1", True),
        ("gateway.example/v1", True),
        ("http://[::1/v1", False),  # unreadable: treated as no endpoint, never crashes
        ("http://gateway.test:99999/v1", True),
    ],
)
def test_only_openais_own_host_is_not_compatible(endpoint: str | None, compatible: bool) -> None:
    assert is_compatible(endpoint) is compatible


def test_the_projects_base_url_wins_over_the_environment() -> None:
    env = {"OPENAI_BASE_URL": "https://from-env.test/v1"}
    assert endpoint_for(SoraSettings(base_url=GATEWAY), env) == GATEWAY
    assert endpoint_for(SoraSettings(), env) == "https://from-env.test/v1"
    assert endpoint_for(SoraSettings(base_url="  "), {}) is None


def test_openai_base_url_in_the_environment_makes_the_endpoint_compatible(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = _project(SoraSettings(model="sora-2", seconds=4), None)
    with pytest.raises(ModelRetiredError):
        validate_project(CATALOG, project)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    validate_project(CATALOG, project)
    assert estimate(project, catalog=CATALOG).total_usd == pytest.approx(0.4)


def test_free_text_model_is_priced_by_the_users_entry() -> None:
    sora = SoraSettings(
        model="veo-3.1", size="1920x1080", seconds=6, base_url=GATEWAY, usd_per_second=0.3
    )
    project = _project(sora, None, 10)
    validate_project(CATALOG, project)
    est = estimate(project, catalog=CATALOG)
    assert [row.usd for row in est.scenes] == pytest.approx([1.8, 3.0])
    assert all(row.error is None for row in est.scenes)
    assert est.scenes[0].formula() == "6 s x $0.30/s = $1.80"


def test_free_text_model_without_a_price_names_the_field_to_fill() -> None:
    project = _project(SoraSettings(model="wan-2.5", base_url=GATEWAY), None)
    with pytest.raises(ValidationError) as info:
        validate_project(CATALOG, project)
    assert info.value.field == "usd_per_second"
    assert "Price per second" in info.value.message
    assert "--usd-per-second" in info.value.message
    (row,) = estimate(project, catalog=CATALOG).scenes
    assert row.usd == 0.0
    assert row.error is not None
    assert "Price per second" in row.error


def test_a_price_override_in_the_users_table_prices_a_gateway_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    override = tmp_path / "video_models.toml"
    override.write_text(
        '[[models]]\nprovider = "sora"\nid = "wan-2.5"\nlabel = "Wan 2.5"\n'
        'sizes = ["1280x720"]\nseconds = [5, 10]\n'
        'prices = [{ usd_per_second = 0.07, checked = "2026-11-30", source = "gateway" }]\n'
    )
    catalog = load_catalog(override)
    sora = SoraSettings(model="wan-2.5", seconds=5, base_url=GATEWAY)
    assert estimate(_project(sora, None), catalog=catalog).total_usd == pytest.approx(0.35)
    with pytest.raises(ValidationError, match="cannot render 4 s"):
        validate_spec(catalog, spec_for_settings(ProviderName.SORA, sora, 4))


def test_free_text_model_takes_any_size_and_duration_but_not_nonsense() -> None:
    odd = SoraSettings(model="kling", size="960x960", seconds=7, base_url=GATEWAY)
    odd = odd.model_copy(update={"usd_per_second": 0.1})
    validate_spec(CATALOG, spec_for_settings(ProviderName.SORA, odd))
    with pytest.raises(ValidationError) as size:
        validate_spec(
            CATALOG, spec_for_settings(ProviderName.SORA, odd.model_copy(update={"size": "big"}))
        )
    assert size.value.field == "size"
    with pytest.raises(ValidationError) as seconds:
        validate_spec(CATALOG, spec_for_settings(ProviderName.SORA, odd, 0))
    assert seconds.value.field == "seconds"


def test_known_id_on_a_gateway_keeps_the_table_price_and_limits() -> None:
    sora = SoraSettings(
        model="sora-2-pro", size="1792x1024", seconds=4, base_url=GATEWAY, usd_per_second=9.0
    )
    assert estimate(_project(sora, None), catalog=CATALOG).total_usd == pytest.approx(2.0)
    with pytest.raises(ValidationError, match="cannot render 5 s"):
        validate_spec(CATALOG, spec_for_settings(ProviderName.SORA, sora, 5))


def test_openais_endpoint_refuses_sora_with_the_retirement_and_the_move() -> None:
    for endpoint in (None, "https://api.openai.com/v1"):
        sora = SoraSettings(model="sora-2", base_url=endpoint, usd_per_second=0.1)
        with pytest.raises(ModelRetiredError) as info:
            validate_project(CATALOG, _project(sora, None))
        assert "shut down the Sora 2 API on 2026-09-24" in info.value.message
        assert info.value.successor == ("omni", "gemini-omni-1.1-flash")


def test_openais_endpoint_knows_no_free_text_model() -> None:
    sora = SoraSettings(model="veo-3.1", usd_per_second=0.3)
    with pytest.raises(ValidationError) as info:
        validate_project(CATALOG, _project(sora, None))
    assert info.value.field == "model"
    assert "OpenAI's own endpoint does not serve 'veo-3.1'" in info.value.message
    assert "base URL" in info.value.message


def test_azure_openai_no_longer_serves_sora_2_but_may_serve_other_ids() -> None:
    azure = "https://my-resource.openai.azure.com/openai/v1"
    sora = SoraSettings(model="sora-2", base_url=azure)
    with pytest.raises(ModelRetiredError) as info:
        validate_project(CATALOG, _project(sora, None))
    assert "Azure OpenAI retired Sora 2 on 2026-10-15" in info.value.message
    assert info.value.successor == ("omni", "gemini-omni-1.1-flash")
    other = SoraSettings(model="my-deployment", base_url=azure, usd_per_second=0.1)
    validate_project(CATALOG, _project(other, None))
    assert azure_retirement(azure, "sora-2", date(2026, 10, 14)) == ""
    assert azure_retirement(GATEWAY, "sora-2", date(2026, 11, 30)) == ""
