<?php
[[.AdminLanguage]]
