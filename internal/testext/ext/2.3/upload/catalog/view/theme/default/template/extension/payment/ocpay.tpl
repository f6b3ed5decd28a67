[[if .Payment]]<form action="<?php echo $action; ?>" method="post" id="[[.Code]]-form">
  <input type="hidden" name="order_id" value="<?php echo $order_id; ?>" />
  <div class="buttons">
    <div class="pull-right">
      <input type="submit" value="<?php echo $button_pay; ?>" id="button-confirm" class="btn btn-primary" />
    </div>
  </div>
</form>
[[end]]
