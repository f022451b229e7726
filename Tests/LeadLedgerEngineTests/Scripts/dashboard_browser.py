"""Drives the read model's dashboard in headless Chromium (Debian's chromium
and chromium-driver, Selenium from PyPI; SE_OFFLINE=true so Selenium never
downloads a driver): logs in with a token, searches a lead by email, opens its
decision timeline and checks what it shows. Screenshots go to OUT_DIR.

usage: dashboard_browser.py BASE_URL TOKEN EMAIL LEAD_ID ACCOUNT_ID OUT_DIR EXPECTED_TEXT...
Exits 0 when every check passed; prints what it saw otherwise.
"""
import os
import sys

os.environ["SE_OFFLINE"] = "true"

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def main():
    base, token, email, lead_id, account_id, out_dir = sys.argv[1:7]
    expected = sys.argv[7:]
    os.makedirs(out_dir, exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1400"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    failures = []
    try:
        wait = WebDriverWait(driver, 30)
        driver.get(base + "/")
        wait.until(EC.visibility_of_element_located((By.ID, "token-input"))).send_keys(token)
        driver.find_element(By.ID, "login-button").click()
        wait.until(EC.visibility_of_element_located((By.ID, "overview")))
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#tiles .tile")) >= 4)
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#queues tbody tr")) >= 1)
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#tier-chart rect")) >= 1)
        driver.save_screenshot(os.path.join(out_dir, "overview.png"))
        tiles = driver.find_element(By.ID, "tiles").text
        for label in ("Qualified rate", "Precision at target", "Conversion"):
            if label.upper() not in tiles.upper():
                failures.append("no KPI tile " + label + ": " + tiles)
        if "leads routed by the model" not in driver.find_element(By.ID, "kpi-note").text:
            failures.append("KPI note: " + driver.find_element(By.ID, "kpi-note").text)
        if len(driver.find_elements(By.CSS_SELECTOR, "#funnel tbody tr")) < 1:
            failures.append("no rows in the funnel by tier")
        stages = [row.text.split(" ")[0] for row in driver.find_elements(By.CSS_SELECTOR, "#lag tbody tr")]
        if stages != ["validate", "identity", "materialize"]:
            failures.append("lag per stage: " + repr(stages) + " " + driver.find_element(By.ID, "lag-note").text)

        box = driver.find_element(By.ID, "search-input")
        box.send_keys(email)
        driver.find_element(By.ID, "search-button").click()
        wait.until(EC.visibility_of_element_located((By.ID, "lead-page")))
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#timeline li.decision")) >= 1)
        wait.until(lambda d: account_id in d.find_element(By.ID, "account").text)
        page = driver.find_element(By.ID, "lead-page").text
        driver.save_screenshot(os.path.join(out_dir, "lead.png"))
        if lead_id not in driver.find_element(By.ID, "lead-title").text:
            failures.append("title: " + driver.find_element(By.ID, "lead-title").text)
        if "#/lead/" + lead_id not in driver.current_url:
            failures.append("url: " + driver.current_url)
        for text in expected:
            if text not in page:
                failures.append("missing on the lead page: " + text)
        if failures:
            print("\n".join(failures))
            print("--- page text ---")
            print(page[:3000])
            return 1
        print("dashboard: %d decisions shown, screenshots in %s" % (len(driver.find_elements(By.CSS_SELECTOR, "#timeline li.decision")), out_dir))
        return 0
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
