"""The run report of a 320-person site in a real headless Chromium.

Opens ``report.html`` from disk, waits for every figure to be drawn, reads the
browser console for errors, checks the Gantt's bars and that picking a team,
a skill or a shift (and turning a page) changes the rows shown, and saves a
screenshot that must be a picture, not a blank page.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them).
Without ``/usr/bin/chromium`` the test is skipped, unless the ``CI`` variable
is set: there a missing browser is a failure.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from rostering.domain.agents import Role
from rostering.reports.gantt import agent_label
from rostering.reports.html import write_run_report
from rostering.results import RunResult
from tests.reports.large_roster import large_run

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
DRAW_TIMEOUT_S = 120

pytestmark = pytest.mark.browser


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _need_browser() -> None:
    if not CHROMIUM.exists() and not _in_ci():
        pytest.skip(
            f"{CHROMIUM} is missing (apt-get install -y chromium chromium-driver); "
            "set CI to make this a failure"
        )
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: .ci/run installs chromium and chromium-driver")


@pytest.fixture(scope="module")
def run() -> RunResult:
    return large_run()


@pytest.fixture(scope="module")
def report(run: RunResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_run_report(run, tmp_path_factory.mktemp("browser") / "report.html")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    _need_browser()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1400,1200")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def page(browser: WebDriver, report: Path) -> WebDriver:
    browser.get(report.as_uri())
    WebDriverWait(browser, DRAW_TIMEOUT_S).until(
        lambda d: (
            d.find_element(By.TAG_NAME, "html").get_attribute("data-figures-drawn")
            or d.find_elements(By.CSS_SELECTOR, ".figure-error")
        )
    )
    return browser


def _gantt(page: WebDriver) -> tuple[WebElement, WebElement]:
    controls = page.find_element(By.CSS_SELECTOR, ".controls")
    figure_id = (controls.get_attribute("id") or "").removesuffix("-controls")
    return controls, page.find_element(By.ID, figure_id)


def _rows_shown(figure: WebElement) -> list[str]:
    """The row labels on the plot, top to bottom."""
    ticks = figure.find_elements(By.CSS_SELECTOR, "g.ytick text")
    return [t.text for t in sorted(ticks, key=lambda t: t.location["y"])]


def _reset(page: WebDriver) -> None:
    """Everyone, no search, 40 rows a page, the first page."""
    controls, _ = _gantt(page)
    page.execute_script(
        """
        const bar = arguments[0];
        bar.querySelector('[data-role="filter"]').value = "all";
        bar.querySelector('[data-role="find"]').value = "";
        bar.querySelector('[data-role="size"]').value = "40";
        bar.querySelector('[data-role="filter"]').dispatchEvent(new Event("change"));
        """,
        controls,
    )
    status = controls.find_element(By.CSS_SELECTOR, '[data-role="status"]')
    WebDriverWait(page, 30).until(lambda _: status.text == "people 1-40 of 320")


def _pick(page: WebDriver, value: str) -> list[str]:
    controls, figure = _gantt(page)
    before = _rows_shown(figure)
    Select(controls.find_element(By.CSS_SELECTOR, '[data-role="filter"]')).select_by_value(value)
    WebDriverWait(page, 30).until(lambda _: _rows_shown(figure) != before)
    return _rows_shown(figure)


_COLOURS_JS = """
const done = arguments[arguments.length - 1];
const image = new Image();
image.onload = () => {
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height).data;
  const counts = new Map();
  for (let i = 0; i < pixels.length; i += 4) {
    const colour = (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
    counts.set(colour, (counts.get(colour) || 0) + 1);
  }
  done([image.width, image.height, counts.size, Math.max(...counts.values())]);
};
image.onerror = () => done(null);
image.src = "data:image/png;base64," + arguments[0];
"""


def _png_colours(driver: WebDriver, png: bytes) -> tuple[int, int, int, float]:
    """Width, height, number of colours and the share of the commonest colour of a PNG,
    decoded by the browser's own image decoder."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    found = driver.execute_async_script(_COLOURS_JS, base64.b64encode(png).decode("ascii"))
    assert found is not None, "the browser could not decode the PNG"
    width, height, colours, commonest = found
    return width, height, colours, commonest / (width * height)


def test_every_figure_draws_without_console_errors(page: WebDriver) -> None:
    assert not page.find_elements(By.CSS_SELECTOR, ".figure-error")
    assert page.find_element(By.TAG_NAME, "html").get_attribute("data-figures-drawn") == "4"
    errors = [e for e in page.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    assert page.execute_script("return typeof window.Plotly.newPlot") == "function"


def test_gantt_draws_the_first_page_of_forty(page: WebDriver, run: RunResult) -> None:
    _reset(page)
    controls, figure = _gantt(page)
    assert figure.find_elements(By.CSS_SELECTOR, "svg.main-svg")
    assert len(figure.find_elements(By.CSS_SELECTOR, "g.trace.bars g.point path")) > 500
    first = [agent_label(run.instance, a.id) for a in run.instance.agents[:40]]
    assert _rows_shown(figure) == first
    assert figure.get_attribute("data-rows") == "40"
    status = controls.find_element(By.CSS_SELECTOR, '[data-role="status"]')
    assert status.text == "people 1-40 of 320"
    # the plot is as tall as its rows: no blank area below the last one
    height = figure.size["height"]
    assert 40 * 24 <= height <= 40 * 24 + 200


def test_picking_a_team_a_skill_or_a_shift_changes_the_rows(
    page: WebDriver, run: RunResult
) -> None:
    _reset(page)
    agents = run.instance.agents
    team = _pick(page, "team:Team 3")
    assert team == [agent_label(run.instance, a.id) for a in agents if a.team == "Team 3"]
    email = _pick(page, "skill:email")
    with_email = [agent_label(run.instance, a.id) for a in agents if "email" in a.skills]
    assert email == with_email[:40] and len(with_email) > 40
    _, figure = _gantt(page)
    tall = figure.size["height"]
    standby = _pick(page, "shift:supervisor standby")
    supervisors = [agent_label(run.instance, a.id) for a in agents if a.role is Role.SUPERVISOR]
    assert standby == supervisors and 0 < len(supervisors) < 40
    assert figure.size["height"] < tall
    assert figure.find_elements(By.CSS_SELECTOR, "g.trace.bars g.point path")


def test_turning_the_page_shows_the_next_forty(page: WebDriver, run: RunResult) -> None:
    _reset(page)
    controls, figure = _gantt(page)
    everyone = _rows_shown(figure)
    controls.find_element(By.CSS_SELECTOR, '[data-role="next"]').click()
    WebDriverWait(page, 30).until(lambda _: _rows_shown(figure) != everyone)
    labels = [agent_label(run.instance, a.id) for a in run.instance.agents]
    assert _rows_shown(figure) == labels[40:80]
    assert controls.find_element(By.CSS_SELECTOR, '[data-role="status"]').text == (
        "people 41-80 of 320"
    )


def test_screenshot_is_a_picture(page: WebDriver, tmp_path: Path) -> None:
    _reset(page)
    _, figure = _gantt(page)
    page.execute_script("arguments[0].scrollIntoView()", figure)
    shot = tmp_path / "report.png"
    assert page.save_screenshot(str(shot))
    width, height, colours, commonest = _png_colours(page, shot.read_bytes())
    assert width >= 1000 and height >= 800
    # a blank page is one colour; this one has text, shading and bars in many colours
    assert colours > 200 and commonest < 0.95
    # nor did picking and paging log an error
    assert [e for e in page.get_log("browser") if e["level"] == "SEVERE"] == []
