<?php echo $header; ?><?php echo $column_left; ?>
<div id="content">
  <div class="page-header">
    <div class="container-fluid">
      <div class="pull-right">
        <button type="submit" form="form-[[.Type]]" title="<?php echo $button_save; ?>" class="btn btn-primary"><i class="fa fa-save"></i></button>
        <a href="<?php echo $cancel; ?>" title="<?php echo $button_cancel; ?>" class="btn btn-default"><i class="fa fa-reply"></i></a></div>
      <h1><?php echo $heading_title; ?></h1>
      <ul class="breadcrumb">
        <?php foreach ($breadcrumbs as $breadcrumb) { ?>
        <li><a href="<?php echo $breadcrumb['href']; ?>"><?php echo $breadcrumb['text']; ?></a></li>
        <?php } ?>
      </ul>
    </div>
  </div>
  <div class="container-fluid">
    <?php if ($error_warning) { ?>
    <div class="alert alert-danger"><i class="fa fa-exclamation-circle"></i> <?php echo $error_warning; ?>
      <button type="button" class="close" data-dismiss="alert">&times;</button>
    </div>
    <?php } ?>
[[- if .HiddenAlert]]
    <div class="alert alert-danger [[.HiddenClass]]"[[if .HiddenInline]] id="[[.Code]]-error-terms" style="display:none"[[end]]><i class="fa fa-exclamation-circle"></i> <?php echo $error_hidden_alert; ?></div>
[[- end]]
    <div class="panel panel-default">
      <div class="panel-heading">
        <h3 class="panel-title"><i class="fa fa-pencil"></i> <?php echo $text_edit; ?></h3>
      </div>
      <div class="panel-body">
        <form action="<?php echo $action; ?>" method="post" enctype="multipart/form-data" id="form-[[.Type]]" class="form-horizontal">
[[.FormHTML]]
        </form>
      </div>
    </div>
  </div>
</div>
[[- if and .HiddenAlert (not .HiddenInline)]]
<style>
  .[[.HiddenClass]] { display: none; }
</style>
[[- end]]
<?php echo $footer; ?>
